import { TokenSource } from './types';

/** Holds the current token; `refresh()` asks the source again (concurrent callers share one ask). */
export class TokenProvider {
  private current?: Promise<string>;
  private asks = 0;

  constructor(private readonly source: TokenSource) {}

  /** The token in use, asking the source the first time. */
  get(): Promise<string> {
    return this.current ?? this.refresh();
  }

  /** Asks the source again: on every (re)connect and after a 401. */
  refresh(): Promise<string> {
    const ask = ++this.asks;
    const pending = Promise.resolve()
      .then(() => (typeof this.source === 'function' ? this.source() : this.source))
      .then((token) => {
        if (typeof token !== 'string' || token.length === 0) throw new Error('the token function returned no token');
        return token;
      });
    this.current = pending;
    // A failed ask is not remembered: the next get() asks again.
    pending.catch(() => {
      if (this.asks === ask) this.current = undefined;
    });
    return pending;
  }
}
