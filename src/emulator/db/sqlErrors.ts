// Errors the emulator answers with, shaped as Snowflake reports them (code + SQLSTATE).

export class SnowflakeSqlError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly sqlState: string,
  ) {
    super(message);
    this.name = 'SnowflakeSqlError';
  }
}

/** Snowflake's transient "internal error" (000603, XX000): what injected SQL faults raise. */
export function transientInternalError(detail: string): SnowflakeSqlError {
  return new SnowflakeSqlError(`SQL execution internal error: Processing aborted due to error 300005:${detail}`, '000603', 'XX000');
}

export function canceledError(): SnowflakeSqlError {
  return new SnowflakeSqlError('SQL execution canceled', '000604', '57014');
}

/** Maps a DuckDB (or translator) error to the Snowflake code a real account would give. */
export function fromDuckDbError(err: unknown): SnowflakeSqlError {
  if (err instanceof SnowflakeSqlError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const first = message.split('\n')[0] ?? message;
  if (/^Catalog Error/.test(first)) return new SnowflakeSqlError(`SQL compilation error: ${first}`, '002003', '42S02');
  if (/^(Parser|Binder) Error/.test(first) || err instanceof SyntaxError) return new SnowflakeSqlError(`SQL compilation error: ${first}`, '001003', '42000');
  if (/^(Conversion|Invalid Input) Error/.test(first)) return new SnowflakeSqlError(first, '100038', '22018');
  if (/^Constraint Error/.test(first)) return new SnowflakeSqlError(first, '100072', '22000');
  if (/^INTERRUPT Error|[Ii]nterrupted/.test(first)) return new SnowflakeSqlError('SQL execution canceled', '000604', '57014');
  if (/^TransactionContext Error/.test(first)) return new SnowflakeSqlError(first, '000625', '57014');
  return new SnowflakeSqlError(first, '100000', '22000');
}
