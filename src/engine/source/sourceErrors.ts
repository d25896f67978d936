// Retry or fail? Transient faults (network, HTTP, server-side internal errors, timeouts) are
// retried with backoff; a statement Snowflake rejects (bad SQL, missing object, bad data) fails.

export interface DriverErrorLike {
  name?: string;
  code?: string | number;
  sqlState?: string;
  message?: string;
}

// Errors of the driver's own HTTP layer: the request or a result download did not get through.
const TRANSPORT_ERRORS = new Set(['NetworkError', 'RequestFailedError', 'UnexpectedContentError', 'LargeResultSetError']);

// Snowflake error codes known to be transient.
const TRANSIENT_CODES = new Set([
  '000603', // internal error processing the query (SFInternal)
  '000604', // statement cancelled (warehouse or session shutdown)
  '000605', // statement timeout reached while queued
  '000630', // statement reached its statement or warehouse timeout
  '390114', // authentication token expired
  '405503', // driver: the connection was dropped
]);

// Snowflake error codes of statements that will fail the same way every time.
const TERMINAL_CODES = new Set([
  '001003', // SQL compilation error: syntax error
  '002003', // SQL compilation error: object does not exist or not authorized
  '000904', // SQL compilation error: invalid identifier
]);

// SQLSTATE classes: 08 connection exception, 40 transaction rollback, 53 insufficient resources,
// 57 operator intervention, 58 system error, XX internal error.
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '57', '58', 'XX']);

export function classifySourceError(err: DriverErrorLike | undefined): { retryable: boolean; code?: string } {
  const code = err?.code === undefined || err.code === null ? undefined : String(err.code);
  const sqlState = err?.sqlState ?? '';
  const retryable = (() => {
    if (code && TERMINAL_CODES.has(code)) return false;
    if (sqlState.startsWith('42')) return false;
    if (err?.name && TRANSPORT_ERRORS.has(err.name)) return true;
    if (code && TRANSIENT_CODES.has(code)) return true;
    if (TRANSIENT_SQLSTATE_CLASSES.has(sqlState.slice(0, 2))) return true;
    return /\b(timed? ?out|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket hang up)\b/i.test(err?.message ?? '');
  })();
  return code ? { retryable, code } : { retryable };
}
