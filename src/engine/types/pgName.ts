// Names Thaw creates in PostgreSQL are always quoted, so any text is fine except what PostgreSQL
// cannot keep: a NUL, and anything past its name length limit, which it cuts off without an error.

/** PostgreSQL keeps the first NAMEDATALEN-1 bytes of a name and silently drops the rest. */
export const PG_NAME_MAX_BYTES = 63;

/** Why `name` cannot be a PostgreSQL name even when quoted, or undefined when it can. */
export function pgNameProblem(name: string): string | undefined {
  if (name.includes('\u0000')) return 'must not contain the character U+0000, which PostgreSQL names cannot hold';
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > PG_NAME_MAX_BYTES) return `is ${bytes} bytes long in UTF-8; PostgreSQL keeps only the first ${PG_NAME_MAX_BYTES} bytes of a name and would cut the rest off`;
  return undefined;
}

