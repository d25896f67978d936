// PostgreSQL-only sessions for a long-lived worker: the config is read again on every request (so
// an edit is seen at once), while the pool of each distinct target connection is opened once and
// kept until the worker closes. A tree view refreshing every few seconds then costs one query, not
// a TCP and TLS handshake.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type pg from 'pg';
import { loadConfig, type Env } from './config';
import { SESSION_POOL_MAX, targetConnectionOf, type PgSession } from './session';
import { openTargetPool } from './target';

export class PgSessionCache {
  private readonly pools = new Map<string, Promise<pg.Pool>>();

  async open(configPath: string, env: Env): Promise<PgSession> {
    // PostgreSQL only: a Snowflake secret missing from the environment is no problem here.
    const loaded = await loadConfig(configPath, { env, sourceSecrets: false });
    const target = targetConnectionOf(loaded.config);
    // Keyed by a digest: the map must not hold the password in the clear.
    const key = createHash('sha256').update(JSON.stringify(target)).digest('hex');
    let pool = this.pools.get(key);
    if (!pool) {
      pool = openTargetPool(target, { max: SESSION_POOL_MAX });
      this.pools.set(key, pool);
      // A pool that failed to open is not kept: the next request tries again.
      pool.catch(() => this.pools.delete(key));
    }
    return {
      configPath: resolve(configPath),
      config: loaded.config,
      configHash: loaded.hash,
      loaded,
      pool: await pool,
      statusSchema: loaded.config.status_schema,
    };
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(pools.map(async (p) => (await p).end()));
  }
}
