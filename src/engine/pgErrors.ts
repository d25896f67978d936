// Turns what PostgreSQL (or the socket under it) raised into Thaw's typed errors. Retryable or not
// is decided by SQLSTATE class: a dropped connection, a serialization failure, a deadlock, a full
// disk or an operator shutting the server down pass; bad data, a violated constraint or a wrong
// definition will fail the same way every time. Shared by the status tables (state/) and the
// target tables (target/), which both talk to the target PostgreSQL.
import { DataError, TargetError, ThawError, type ErrorContext } from './errors';

const RETRYABLE_EXACT = new Set(['40001', '40P01', '55P03', '57014']);
const RETRYABLE_CLASSES = new Set(['08', '53', '57', '58']);
const DATA_CLASSES = new Set(['22', '23']);

/** The fields of pg's DatabaseError that Thaw reads. */
interface PgErrorFields {
  code?: string;
  column?: string;
  table?: string;
  where?: string;
  detail?: string;
}

export function isRetryableSqlState(code: string): boolean {
  return RETRYABLE_EXACT.has(code) || RETRYABLE_CLASSES.has(code.slice(0, 2));
}

/** The 1-based COPY input line and column PostgreSQL names in `where` ("COPY t, line 3, column x: ..."). */
export function copyPositionOf(where: string | undefined): { line?: number; column?: string } {
  const match = where ? /\bCOPY .*?, line (\d+)(?:, column ([^:]+))?/.exec(where) : null;
  if (!match) return {};
  return match[2] === undefined ? { line: Number(match[1]) } : { line: Number(match[1]), column: match[2] };
}

/**
 * Wraps a PostgreSQL or socket error. `doing` says what Thaw was doing ("loading chunk 7 into
 * "s"."t""); context adds run, table and chunk. A non-database error (no SQLSTATE) is a
 * connection fault when the socket failed, and is passed through otherwise.
 */
export function targetErrorFrom(err: unknown, doing: string, context: ErrorContext = {}): ThawError | unknown {
  if (!(err instanceof Error) || err instanceof ThawError) return err;
  const fields = err as Error & PgErrorFields;
  const code = fields.code;
  // A socket's errno code first: EPIPE, EPERM or EBUSY have a SQLSTATE's shape (five capitals),
  // and no SQLSTATE class starts with E.
  if (code && /^E[A-Z]+$/.test(code)) return new TargetError(`${doing}: ${err.message}`, true, { ...context, code }, { cause: err });
  if (!code || !/^[0-9A-Z]{5}$/.test(code)) {
    if (/Connection terminated|connection (?:ended|closed)|not queryable/i.test(err.message)) {
      return new TargetError(`${doing}: ${err.message}`, true, context, { cause: err });
    }
    return err;
  }
  const at = copyPositionOf(fields.where);
  const full: ErrorContext = { ...context, code };
  const column = fields.column ?? at.column ?? context.column;
  if (column !== undefined) full.column = column;
  if (at.line !== undefined) full.line = at.line;
  const detail = [err.message, fields.detail, fields.where].filter(Boolean).join('; ');
  const message = `${doing}: ${detail}`;
  if (DATA_CLASSES.has(code.slice(0, 2))) return new DataError(message, full, { cause: err });
  return new TargetError(message, isRetryableSqlState(code), full, { cause: err });
}
