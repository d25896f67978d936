// Benchmark aid (startEmulator's `reuseUnloads`): an unload identical to an earlier one (same SELECT,
// binds and compression, whatever its Time Travel snapshot) is answered with a hard link to the file written
// then, so DuckDB does no work. That models what a loader sees when the warehouse has unloaded the
// files already (on Snowflake the unloading runs on the warehouse, not on the loader's cores).
// Only right while the source table does not change; never on by default.
import { createHash } from 'node:crypto';
import { link, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

const AT_CLAUSE = /\s+AT\(TIMESTAMP => '[^']*'::TIMESTAMP_TZ\)/g;

export class UnloadCache {
  private readonly rows = new Map<string, number>();

  constructor(private readonly dir: string) {}

  key(select: string, binds: readonly unknown[], compression: string): string {
    return createHash('sha256').update(select.replace(AT_CLAUSE, '')).update(JSON.stringify(binds)).update(compression).digest('hex');
  }

  /** Links the cached file to `file` and returns its row count; undefined on a miss. */
  async reuse(key: string, file: string): Promise<number | undefined> {
    const rows = this.rows.get(key);
    if (rows === undefined) return undefined;
    await link(join(this.dir, key), file);
    return rows;
  }

  async keep(key: string, file: string, rows: number): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await link(file, join(this.dir, key)).catch(() => undefined);
    this.rows.set(key, rows);
  }
}
