// Turns a Snowflake datetime format (TO_VARCHAR(x, 'YYYY-MM-DD HH24:MI:SS.FF6 TZH:TZM')) into a
// DuckDB expression. The wall-clock part goes through strftime on `sf_local(x)`; the offset parts
// come from `sf_tzh(x)` / `sf_tzm(x)`, so a TIMESTAMP_TZ value keeps its own offset.

type Part = { strftime: string } | { expr: (arg: string) => string };

const ELEMENTS: Array<[RegExp, (m: RegExpExecArray) => Part]> = [
  [/^YYYY/i, () => ({ strftime: '%Y' })],
  [/^YY/i, () => ({ strftime: '%y' })],
  [/^MMMM/i, () => ({ strftime: '%B' })],
  [/^MON/i, () => ({ strftime: '%b' })],
  [/^MM/i, () => ({ strftime: '%m' })],
  [/^DD/i, () => ({ strftime: '%d' })],
  [/^DY/i, () => ({ strftime: '%a' })],
  [/^HH24/i, () => ({ strftime: '%H' })],
  [/^HH12|^HH/i, () => ({ strftime: '%I' })],
  [/^AM|^PM/i, () => ({ strftime: '%p' })],
  [/^MI/i, () => ({ strftime: '%M' })],
  [/^SS/i, () => ({ strftime: '%S' })],
  [/^FF([0-9]?)/i, (m) => fraction(m[1] ? Number(m[1]) : 9)],
  [/^TZH/i, () => ({ expr: (a) => `sf_tzh(${a})` })],
  [/^TZM/i, () => ({ expr: (a) => `sf_tzm(${a})` })],
];

function fraction(digits: number): Part {
  if (digits === 3) return { strftime: '%g' };
  if (digits === 6) return { strftime: '%f' };
  if (digits === 0) return { strftime: '' };
  return { expr: (a) => `substr(strftime(${digits > 6 ? 'sf_local_ns' : 'sf_local'}(${a}), '%n'), 1, ${digits})` };
}

export function parseDatetimeFormat(format: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  while (i < format.length) {
    const rest = format.slice(i);
    if (rest.startsWith('"')) {
      const end = format.indexOf('"', i + 1);
      const literal = end < 0 ? format.slice(i + 1) : format.slice(i + 1, end);
      parts.push({ strftime: literal.replaceAll('%', '%%') });
      i = end < 0 ? format.length : end + 1;
      continue;
    }
    const hit = ELEMENTS.map(([re, make]) => [re.exec(rest), make] as const).find(([m]) => m !== null);
    if (hit) {
      parts.push(hit[1](hit[0]!));
      i += hit[0]![0].length;
    } else {
      parts.push({ strftime: rest[0] === '%' ? '%%' : rest[0]! });
      i++;
    }
  }
  return parts;
}

/** A DuckDB expression rendering `arg` (SQL text) the way Snowflake's TO_VARCHAR(arg, format) does. */
export function formatDatetimeSql(arg: string, format: string): string {
  const pieces: string[] = [];
  let pending = '';
  const flush = () => {
    const literalOnly = !pending.replaceAll('%%', '').includes('%');
    if (literalOnly && pending) pieces.push(`'${pending.replaceAll('%%', '%').replaceAll("'", "''")}'`);
    else if (pending) pieces.push(`strftime(sf_local(${arg}), '${pending.replaceAll("'", "''")}')`);
    pending = '';
  };
  for (const part of parseDatetimeFormat(format)) {
    if ('strftime' in part) pending += part.strftime;
    else {
      flush();
      pieces.push(part.expr(arg));
    }
  }
  flush();
  return pieces.length === 0 ? `CAST(NULL AS VARCHAR)` : `(${pieces.join(' || ')})`;
}
