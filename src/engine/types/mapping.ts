// Chooses the PostgreSQL type of every source column: lossless by default, overridable per column
// through `column_types`. Pure: the integer ranges it needs are measured by the source first.
import { DefinitionError } from '../errors';
import type { ColumnMapping, SourceColumn } from './model';
import { pgNameProblem } from './pgName';
import { isPgTypeName, normalizePgTypeName, PG_TYPE_NAME_HELP } from './pgTypeName';
import { didYouMean } from '../suggest';

/** MIN and MAX of an integer column as Snowflake renders them; null when it holds no values. */
export interface IntegerRange {
  min: string | null;
  max: string | null;
}

export interface MappingOptions {
  /** Statement 4's result, keyed by source column name, for the columns `needsIntegerRange` picks. */
  integerRanges?: ReadonlyMap<string, IntegerRange>;
  /** `column_types`: source column name → PostgreSQL type. */
  overrides?: Readonly<Record<string, string>>;
  /** Where `column_types` sits in the config, for error context (e.g. `tables[0].column_types`). */
  overridesPath?: string;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Snowflake reports every INT column as NUMBER(38,0), so its declared type says nothing about the
 * values it holds: those columns are measured before choosing bigint or numeric.
 */
export function needsIntegerRange(column: SourceColumn): boolean {
  return column.type === 'NUMBER' && column.precision === 38 && column.scale === 0;
}

function fitsInt64(value: string): boolean {
  const n = BigInt(value);
  return n >= INT64_MIN && n <= INT64_MAX;
}

function integerType(column: SourceColumn, range: IntegerRange | undefined): Omit<ColumnMapping, 'source' | 'targetName'> {
  const precision = column.precision ?? 38;
  if (precision <= 18) return { targetType: 'bigint', reason: `NUMBER(${precision},0) always fits in int64`, warnings: [] };
  if (!needsIntegerRange(column)) return { targetType: `numeric(${precision},0)`, reason: `NUMBER(${precision},0) may exceed int64`, warnings: [] };
  if (!range) return { targetType: 'numeric(38,0)', reason: 'NUMBER(38,0) whose MIN/MAX were not measured', warnings: [] };
  if (range.min === null || range.max === null) return { targetType: 'bigint', reason: 'NUMBER(38,0) holding no values yet', warnings: [] };
  if (fitsInt64(range.min) && fitsInt64(range.max)) {
    return { targetType: 'bigint', reason: `NUMBER(38,0) whose MIN/MAX (${range.min} .. ${range.max}) fit in int64`, warnings: [] };
  }
  return { targetType: 'numeric(38,0)', reason: `NUMBER(38,0) whose MIN/MAX (${range.min} .. ${range.max}) exceed int64`, warnings: [] };
}

function fractionalWarnings(column: SourceColumn): string[] {
  return column.scale !== null && column.scale > 6
    ? [`${column.type}(${column.scale}): nanoseconds become microseconds`]
    : [];
}

/** The lossless default for one column. */
function defaultType(column: SourceColumn, range: IntegerRange | undefined): Omit<ColumnMapping, 'source' | 'targetName'> {
  switch (column.type) {
    case 'NUMBER':
      if ((column.scale ?? 0) === 0) return integerType(column, range);
      return { targetType: `numeric(${column.precision},${column.scale})`, reason: `NUMBER(${column.precision},${column.scale}) is exact decimal`, warnings: [] };
    case 'FLOAT':
      return { targetType: 'double precision', reason: 'FLOAT is a 64-bit float (NaN and ±Infinity kept)', warnings: [] };
    case 'TEXT':
      return { targetType: 'text', reason: 'TEXT', warnings: [] };
    case 'BOOLEAN':
      return { targetType: 'boolean', reason: 'BOOLEAN', warnings: [] };
    case 'DATE':
      return { targetType: 'date', reason: 'DATE', warnings: [] };
    case 'TIME':
      return { targetType: 'time', reason: 'TIME', warnings: fractionalWarnings(column) };
    case 'TIMESTAMP_NTZ':
      return { targetType: 'timestamp', reason: 'TIMESTAMP_NTZ has no time zone', warnings: fractionalWarnings(column) };
    case 'TIMESTAMP_LTZ':
      return { targetType: 'timestamptz', reason: 'TIMESTAMP_LTZ is an instant', warnings: fractionalWarnings(column) };
    case 'TIMESTAMP_TZ':
      return {
        targetType: 'timestamptz',
        reason: 'TIMESTAMP_TZ is an instant with an offset',
        warnings: ['TIMESTAMP_TZ: the same instant is kept, its UTC offset is not', ...fractionalWarnings(column)],
      };
    case 'VARIANT':
    case 'OBJECT':
    case 'ARRAY':
      return { targetType: 'jsonb', reason: `${column.type} is JSON`, warnings: [] };
    case 'BINARY':
      return { targetType: 'bytea', reason: 'BINARY', warnings: [] };
  }
}

function overrideType(column: SourceColumn, override: string, path: string, fallback: string): Omit<ColumnMapping, 'source' | 'targetName'> {
  if (!isPgTypeName(override)) {
    throw new DefinitionError(`column_types: "${override}" ${PG_TYPE_NAME_HELP}`, { column: column.name, path });
  }
  const targetType = normalizePgTypeName(override);
  const warnings = targetType === fallback ? [] : [`overridden from ${fallback}: a value PostgreSQL cannot convert to ${targetType} fails its chunk`];
  return { targetType, reason: `column_types override (default ${fallback})`, warnings };
}

/** Maps every column of one table, in source order. */
export function mapColumns(columns: readonly SourceColumn[], options: MappingOptions = {}): ColumnMapping[] {
  const overrides = options.overrides ?? {};
  const overridesPath = options.overridesPath ?? 'column_types';
  const names = columns.map((c) => c.name);
  for (const key of Object.keys(overrides)) {
    if (!names.includes(key)) {
      throw new DefinitionError(`column_types names "${key}", which is not a column of the table${didYouMean(key, names)}`, {
        column: key,
        path: `${overridesPath}.${key}`,
      });
    }
  }

  const byTargetName = new Map<string, string>();
  return columns.map((source) => {
    const targetName = source.name.toLowerCase();
    const clash = byTargetName.get(targetName);
    if (clash !== undefined) {
      throw new DefinitionError(`columns "${clash}" and "${source.name}" would both become "${targetName}" in PostgreSQL`, { column: source.name });
    }
    byTargetName.set(targetName, source.name);
    const nameProblem = pgNameProblem(targetName);
    if (nameProblem) {
      throw new DefinitionError(`column "${source.name}" becomes the PostgreSQL column "${targetName}", which ${nameProblem}`, { column: source.name });
    }

    const chosen = defaultType(source, options.integerRanges?.get(source.name));
    const override = overrides[source.name];
    const mapped = override === undefined ? chosen : overrideType(source, override, `${overridesPath}.${source.name}`, chosen.targetType);
    return { source, targetName, ...mapped };
  });
}
