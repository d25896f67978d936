// Typed errors that carry where they happened. `retryable` decides whether a chunk is retried
// with backoff (a transient fault) or failed at once (bad data, a bad definition).

export interface ErrorContext {
  runId?: string;
  table?: string;
  chunkId?: number;
  column?: string;
  /** The key (primary key or split value) of the offending row, rendered as text. */
  key?: string;
  /** Where in a file: a JSON path such as `tables[0].split_column`. */
  path?: string;
  /** 1-based line of a chunk's COPY input that PostgreSQL rejected. */
  line?: number;
  /** Snowflake error code or PostgreSQL SQLSTATE, when a database raised the error. */
  code?: string;
}

export abstract class ThawError extends Error {
  abstract readonly retryable: boolean;
  constructor(
    message: string,
    readonly context: ErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  /** The message with its context, as shown to users and stored in status tables. */
  describe(): string {
    const where = Object.entries(this.context)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    return where ? `${this.message} (${where})` : this.message;
  }
}

export interface ConfigIssue {
  path: string;
  message: string;
  /** 1-based position in the file, when the config was read from text. */
  line?: number;
  column?: number;
}

function formatConfigIssue(issue: ConfigIssue): string {
  const at = issue.line === undefined ? '' : `line ${issue.line}, column ${issue.column}`;
  if (!issue.path) return `  ${at || '(root)'}: ${issue.message}`;
  return `  ${issue.path}: ${issue.message}${at ? ` (${at})` : ''}`;
}

/** The config file is missing, unreadable or invalid. Nothing has been written anywhere. */
export class ConfigError extends ThawError {
  readonly retryable = false;
  constructor(
    readonly file: string,
    readonly issues: ConfigIssue[],
  ) {
    super(`${file}: ${issues.length === 1 ? 'invalid config' : `${issues.length} problems`}\n${issues.map(formatConfigIssue).join('\n')}`);
  }
}

/** A database could not be reached or refused the login. */
export class ConnectionError extends ThawError {
  readonly retryable = true;
  constructor(
    readonly side: 'source' | 'target',
    message: string,
    context: ErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(`cannot connect to the ${side === 'source' ? 'Snowflake source' : 'PostgreSQL target'}: ${message}`, context, options);
  }
}

/** An error a database raised: whether it is worth retrying depends on its code. */
abstract class DatabaseFault extends ThawError {
  constructor(
    message: string,
    readonly retryable: boolean,
    context: ErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(message, context, options);
  }
}

/** An error raised by Snowflake (or the emulator) while running a statement. */
export class SourceError extends DatabaseFault {}

/** An error raised by PostgreSQL while loading or recording state. */
export class TargetError extends DatabaseFault {}

/**
 * A database refused an operation for want of a privilege: the role must be granted it. Never
 * retried; before a run is written it stops the command with exit 2 (the message names the grant).
 */
export class PrivilegeError extends ThawError {
  readonly retryable = false;
}

/** A value PostgreSQL cannot hold, or a count that does not match the plan. Never retried. */
export class DataError extends ThawError {
  readonly retryable = false;
}

/**
 * A table definition does not fit the source: a missing table or column, a split or partition
 * column of a type that cannot bound a chunk, a `column_types` key naming no column.
 */
export class DefinitionError extends ThawError {
  readonly retryable = false;
}

/**
 * A worker's claim on a chunk was taken back (its heartbeat went stale, the run was abandoned)
 * before it committed: its load rolled back, and the chunk belongs to someone else now. Not a
 * failure of the chunk: record nothing, just drop it.
 */
export class ChunkLeaseLostError extends ThawError {
  readonly retryable = false;
}

/**
 * A run was written (it exists in the status tables) and then could not go on: it is recorded
 * `failed` with this cause, and `thaw resume` continues it. Exit 1, never 2: something was written.
 */
export class RunFailedError extends ThawError {
  readonly retryable = false;
}

/** The user asked for something the current state does not allow (truncate on resume, ...). */
export class RefusedError extends ThawError {
  readonly retryable = false;
}

export function errorMessage(err: unknown): string {
  if (err instanceof ThawError) return err.describe();
  if (err instanceof Error) return err.message;
  return String(err);
}
