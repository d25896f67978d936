// Whether an existing target column can take what the plan maps a source column to. Pure. A type
// that differs but holds every value (bigint into numeric, anything into text) is compatible, and
// checkTargetColumns reports the difference as a warning; one that would lose or reject values
// (numeric(18,4) into integer, a TIMESTAMP_NTZ into timestamptz, text into jsonb) is not.

type Family = 'integer' | 'numeric' | 'float' | 'text' | 'boolean' | 'date' | 'time' | 'timestamp' | 'timestamptz' | 'json' | 'bytea' | 'other';

const FAMILIES: Record<string, Family> = {
  smallint: 'integer', int2: 'integer', integer: 'integer', int: 'integer', int4: 'integer', bigint: 'integer', int8: 'integer',
  numeric: 'numeric', decimal: 'numeric',
  real: 'float', float4: 'float', 'double precision': 'float', float8: 'float',
  text: 'text', 'character varying': 'text', varchar: 'text', character: 'text', char: 'text', bpchar: 'text',
  boolean: 'boolean', bool: 'boolean',
  date: 'date',
  'time without time zone': 'time', time: 'time', 'time with time zone': 'time', timetz: 'time',
  'timestamp without time zone': 'timestamp', timestamp: 'timestamp',
  'timestamp with time zone': 'timestamptz', timestamptz: 'timestamptz',
  json: 'json', jsonb: 'json',
  bytea: 'bytea',
};

const INTEGER_BYTES: Record<string, number> = { smallint: 2, int2: 2, integer: 4, int: 4, int4: 4, bigint: 8, int8: 8 };

interface ParsedType {
  base: string;
  family: Family;
  precision: number | null;
  scale: number | null;
}

/** `numeric(18,4)` → base numeric, precision 18, scale 4; `timestamp(6) with time zone` → timestamptz. */
export function parseType(type: string): ParsedType {
  const t = type.trim().toLowerCase().replace(/\s+/g, ' ');
  const modifiers = /\(\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?\)/.exec(t);
  const base = t.replace(/\s*\([^)]*\)/, '').replace(/\[\]$/, '').trim();
  return {
    base,
    family: FAMILIES[base] ?? 'other',
    precision: modifiers ? Number(modifiers[1]) : null,
    scale: modifiers ? Number(modifiers[2] ?? 0) : null,
  };
}

/** Null when `targetType` can hold every value of `mappedType`; otherwise why not. */
export function incompatibility(mappedType: string, targetType: string): string | null {
  const from = parseType(mappedType);
  const to = parseType(targetType);
  if (from.family === 'other' || to.family === 'other') return null; // a user's own type: COPY decides
  if (to.family === 'text') return null;
  if (from.family === to.family) {
    if (to.family === 'integer' && INTEGER_BYTES[to.base]! < INTEGER_BYTES[from.base]!) return `${targetType} is narrower than ${mappedType}`;
    if (to.family === 'numeric' && to.precision !== null && from.precision !== null) {
      const fromScale = from.scale ?? 0;
      const toScale = to.scale ?? 0;
      if (toScale < fromScale) return `${targetType} keeps fewer decimal places than ${mappedType}`;
      if (to.precision - toScale < from.precision - fromScale) return `${targetType} holds fewer integer digits than ${mappedType}`;
    }
    return null;
  }
  switch (from.family) {
    case 'integer':
      if (to.family === 'numeric') return to.precision === null || to.precision - (to.scale ?? 0) >= 19 ? null : `${targetType} may not hold every ${mappedType} value`;
      if (to.family === 'float') return null;
      break;
    case 'numeric':
      if (to.family === 'integer' && (from.scale ?? 0) === 0 && from.precision !== null && from.precision <= 18 && to.base === 'bigint') return null;
      if (to.family === 'float') return null;
      break;
    case 'date':
      if (to.family === 'timestamp') return null;
      break;
    case 'json':
      break;
    default:
      break;
  }
  return `${targetType} cannot hold ${mappedType} values`;
}
