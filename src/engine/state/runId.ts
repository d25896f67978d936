import { randomBytes } from 'node:crypto';

/** A run id people can read and type: when it was made, plus a random tail, e.g. 20261126-140501-a1b2. */
export function newRunId(now = new Date()): string {
  const iso = now.toISOString(); // 2026-11-26T14:05:01.123Z
  const stamp = `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}
