import { Socket } from 'socket.io';

/** Incoming packets a socket may send per window before it is disconnected as a flood. */
const FLOOD_PACKETS = 2000;
const FLOOD_WINDOW_MS = 10_000;

/** A token bucket: `burst` at once, refilled at `perSecond`. */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
  ) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Disconnects a socket that floods messages, whatever they are. */
export function guardAgainstFloods(socket: Socket): void {
  let windowStart = Date.now();
  let packets = 0;
  socket.use((_packet, next) => {
    const now = Date.now();
    if (now - windowStart > FLOOD_WINDOW_MS) {
      windowStart = now;
      packets = 0;
    }
    if (++packets > FLOOD_PACKETS) {
      socket.disconnect(true);
      return;
    }
    next();
  });
}
