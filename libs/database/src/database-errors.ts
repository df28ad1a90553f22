/**
 * True when an error means "the database cannot be reached right now" (as opposed to a bad
 * statement): the request should be retried later, so callers answer 503.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code ?? (error as { driverError?: { code?: unknown } }).driverError?.code;
  if (typeof code === 'string') {
    // 08: connection exceptions; 57P01-57P03: shutdown or startup; 53300: too many connections.
    if (code.startsWith('08') || ['57P01', '57P02', '57P03', '53300', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code)) {
      return true;
    }
  }
  // TypeORM gives up on a transaction whose connection died under it.
  if (error.name === 'QueryRunnerProviderAlreadyReleasedError' || error.name === 'QueryRunnerAlreadyReleasedError') return true;
  const message = error.message;
  return (
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED|Connection is not established|terminating connection due to administrator command|the database system is (starting up|shutting down)|Cannot use a pool after calling end/i.test(
      message,
    )
  );
}
