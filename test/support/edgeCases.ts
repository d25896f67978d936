// A source table with one row per edge case of every type Thaw maps, for tests and the chaos
// run: created in the emulator's DuckDB, compared with EDGE_COLUMNS.
import type { CompareColumn } from './compare';

export const EDGE_COLUMNS: CompareColumn[] = [
  { name: 'ID', kind: 'int' },
  { name: 'D', kind: 'date' },
  { name: 'TS', kind: 'timestamp' },
  { name: 'TSTZ', kind: 'instant' },
  { name: 'TM', kind: 'time' },
  { name: 'BIG', kind: 'decimal' },
  { name: 'DEC', kind: 'decimal' },
  { name: 'F', kind: 'float' },
  { name: 'T', kind: 'text' },
  { name: 'J', kind: 'json' },
  { name: 'B', kind: 'binary' },
  { name: 'BO', kind: 'bool' },
];

// Pre-1970 and far-future instants, integers past 2^63, NaN/±Infinity and float extremes, the
// text '\N' (which must not become NULL), empty text, control characters, astral unicode, nested
// JSON, bytes 00 and FF.
const EDGE_ROWS = `
CREATE TABLE main.EDGE_CASES (ID BIGINT, D DATE, TS TIMESTAMP, TSTZ TIMESTAMPTZ, TM TIME, BIG HUGEINT, DEC DECIMAL(38,10),
  F DOUBLE, T VARCHAR, J JSON, B BLOB, BO BOOLEAN);
INSERT INTO main.EDGE_CASES VALUES
 (1, DATE '1969-12-31', TIMESTAMP '1901-02-03 04:05:06.789012', TIMESTAMPTZ '1950-06-01 12:00:00.5+00', TIME '00:00:00',
  99999999999999999999999999999999999999, 1234567890123456789012345678.0123456789, 'NaN', '', '{"a":{"b":[1,2,{"c":null}]}}', '\\x00\\xFF'::BLOB, true),
 (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (3, DATE '0001-01-01', TIMESTAMP '2262-04-11 23:47:16.854775', TIMESTAMPTZ '2038-01-19 03:14:08+00', TIME '23:59:59.999999',
  -99999999999999999999999999999999999999, -0.0000000001, 'Infinity', chr(92) || 'N', '[]', ''::BLOB, false),
 (4, DATE '2024-02-29', TIMESTAMP '1970-01-01 00:00:00', TIMESTAMPTZ '1969-12-31 23:59:59.999999+00', TIME '12:34:56.5',
  9223372036854775808, 0, '-Infinity', 'tab' || chr(9) || 'nl' || chr(10) || 'cr' || chr(13) || 'bs' || chr(92) || 'ctl' || chr(1) || chr(31) || '𝄞 é', '"just a string"', 'abc'::BLOB, NULL),
 (5, DATE '1900-01-01', TIMESTAMP '1969-07-20 20:17:40', TIMESTAMPTZ '2000-01-01 00:00:00+00', TIME '01:02:03',
  -9223372036854775809, 99999999.9999999999, 1.7976931348623157e308, 'x', '{"n": 1.5e300, "s": "q\\"uote"}', '\\x0A\\x09'::BLOB, true),
 (6, DATE '2000-01-01', TIMESTAMP '2000-01-01 00:00:00.000001', TIMESTAMPTZ '2000-01-01 00:00:00+00', TIME '00:00:00.000001',
  0, 0, 5e-324, ' leading and trailing ', '{}', '\\x5C\\x4E'::BLOB, false);
`;

/** Creates main.EDGE_CASES (6 rows; split column ID, never NULL) in the emulator. */
export async function createEdgeCasesTable(emulator: { sql(text: string): Promise<unknown> }): Promise<void> {
  for (const statement of EDGE_ROWS.split(';').filter((s) => s.trim())) await emulator.sql(statement);
}
