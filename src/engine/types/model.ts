// The shapes every part of the engine agrees on: what a Snowflake column is, what it becomes in
// PostgreSQL, and what a planned chunk is.

export const SNOWFLAKE_TYPES = [
  'NUMBER',
  'FLOAT',
  'TEXT',
  'BOOLEAN',
  'DATE',
  'TIME',
  'TIMESTAMP_NTZ',
  'TIMESTAMP_LTZ',
  'TIMESTAMP_TZ',
  'VARIANT',
  'OBJECT',
  'ARRAY',
  'BINARY',
] as const;
export type SnowflakeType = (typeof SNOWFLAKE_TYPES)[number];

/** A column as Snowflake's INFORMATION_SCHEMA.COLUMNS describes it. */
export interface SourceColumn {
  /** Exactly as stored in Snowflake (upper case when it was created unquoted). */
  name: string;
  type: SnowflakeType;
  /** NUMBER precision; null for other types. */
  precision: number | null;
  /** NUMBER scale, or fractional-second digits for TIME/TIMESTAMP_*; null otherwise. */
  scale: number | null;
  nullable: boolean;
  /** 1-based position in the table. */
  ordinal: number;
}

/** What one source column becomes in PostgreSQL, and why. */
export interface ColumnMapping {
  source: SourceColumn;
  /** PostgreSQL column name: the Snowflake name in lower case. */
  targetName: string;
  /** PostgreSQL type, e.g. `bigint`, `numeric(38,0)`, `timestamptz`. */
  targetType: string;
  /** Why this type was chosen, shown by `thaw plan` (e.g. "MIN/MAX fit in int64"). */
  reason: string;
  /** Where PostgreSQL cannot hold every value exactly (e.g. nanoseconds become microseconds). */
  warnings: string[];
}

/**
 * One unit of work: the rows of one table whose partition value equals `partitionValue` and whose
 * split value lies in [splitLow, splitHigh). Null bounds mean "unbounded" on that side; the
 * `...IsNull` flags select the rows a range predicate would drop. Values are Snowflake-rendered
 * text, cast back to the column's type in the chunk query.
 */
export interface ChunkRange {
  partitionIsNull: boolean;
  partitionValue: string | null;
  splitIsNull: boolean;
  splitLow: string | null;
  splitHigh: string | null;
  /** Exact number of rows at the plan's snapshot. */
  rows: number;
}
