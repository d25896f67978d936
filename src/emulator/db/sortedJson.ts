// Snowflake keeps the keys of an OBJECT in sorted order, at every depth, so TO_JSON writes them
// sorted; DuckDB's json() keeps them as written. sf_sorted_json(text) rewrites JSON text with every
// object's keys in byte order (UTF-8, what PostgreSQL's COLLATE "C" sorts by), without spaces,
// numbers exactly as written, strings with the minimal escapes. It is a JavaScript scalar function
// on each pooled DuckDB connection, called by PARSE_JSON (the sf_parse_json macro, macros.ts) when a
// value is made, never per row read: a JavaScript call per row would cost more than the rest of a
// row's rendering together.
import { DuckDBScalarFunction, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { isLosslessNumber, parse } from 'lossless-json';

const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

function write(value: unknown): string {
  if (value === null) return 'null';
  if (isLosslessNumber(value)) return value.value;
  if (Array.isArray(value)) return `[${value.map(write).join(',')}]`;
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return `{${Object.keys(object)
      .sort(byUtf8)
      .map((key) => `${JSON.stringify(key)}:${write(object[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** JSON text with every object's keys sorted; text without an object comes back as it was. */
export function sortedJson(text: string): string {
  return text.includes('{') ? write(parse(text)) : text;
}

export function registerJsonFunctions(conn: DuckDBConnection): void {
  conn.registerScalarFunction(
    DuckDBScalarFunction.create({
      name: 'sf_sorted_json',
      returnType: VARCHAR,
      parameterTypes: [VARCHAR],
      mainFunction: (_info, input, output) => {
        const texts = input.getColumnVector(0);
        for (let row = 0; row < input.rowCount; row++) {
          const text = texts.getItem(row);
          output.setItem(row, typeof text === 'string' ? sortedJson(text) : null);
        }
        output.flush();
      },
    }),
  );
}
