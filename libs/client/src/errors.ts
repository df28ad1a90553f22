/**
 * Why a request or a subscription failed. `fatal` errors (bad credentials, no access, unknown
 * solution) end the table with status 'error'; the others are retried with backoff.
 */
export class TablecastError extends Error {
  constructor(
    message: string,
    readonly code: 'unauthorized' | 'forbidden' | 'not_found' | 'bad_request' | 'unavailable' | 'protocol' | 'closed',
    readonly status?: number,
  ) {
    super(message);
    this.name = 'TablecastError';
  }

  get fatal(): boolean {
    return this.code === 'unauthorized' || this.code === 'forbidden' || this.code === 'not_found' || this.code === 'bad_request' || this.code === 'closed';
  }
}

/** The socket is not connected: the next 'connect' resumes the work. */
export class NotConnectedError extends Error {
  constructor() {
    super('not connected');
    this.name = 'NotConnectedError';
  }
}
