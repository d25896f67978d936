// `npm run bench -- --incremental`: after the full load, every source row changes (new SCORE, its
// UPDATED_AT 400 days later, past every old watermark) and an incremental UPSERT run merges them all: the worst case, each row
// conflicting and rewritten. Measured against the PostgreSQL limit of the same work without Thaw
// (COPY of pre-rendered rows into a staging table + INSERT ... ON CONFLICT DO UPDATE, one stream
// per thread), then `thaw verify` of the whole table is timed.
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { DemoEnvironment } from '../demo/environment';
import { followRun } from '../engine/cli/runCommand';
import { Requests } from '../protocol/engine';
import { benchVerify, type VerifyFigures } from './verify';

export interface IncrementalFigures {
  upsert: { rows: number; seconds: number; rowsPerSecond: number };
  upsertLimit: { rows: number; seconds: number; rowsPerSecond: number };
  verify: VerifyFigures;
}

const SOURCE = 'main."FACTVISITCALLPERFORMANCE_CR"';

/** Staging + ON CONFLICT straight in PostgreSQL, `threads` streams, every row changed. */
async function upsertLimit(env: DemoEnvironment, target: string, threads: number): Promise<{ rows: number; seconds: number }> {
  const pool = new pg.Pool({ host: env.postgres.host, port: env.postgres.port, user: env.postgres.user, password: env.postgres.password, database: env.database, max: threads + 1 });
  try {
    const columns = (await pool.query<{ name: string }>(`SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`, [target])).rows.map((r) =>
      pg.escapeIdentifier(r.name),
    );
    const others = columns.filter((c) => c !== '"visit_id"');
    const parts = Array.from({ length: threads }, (_, i) => join(env.dir, `upsert-${i}.copy`));
    for (const [i, file] of parts.entries()) {
      const client = await pool.connect();
      try {
        await pipeline(client.query(copyTo(`COPY (SELECT * FROM ${target} WHERE visit_id % ${threads} = ${i}) TO STDOUT`)), createWriteStream(file));
      } finally {
        client.release();
      }
    }
    await pool.query(`CREATE TABLE analytics_demo.upsert_limit (LIKE ${target} INCLUDING ALL)`);
    await pool.query(`INSERT INTO analytics_demo.upsert_limit SELECT * FROM ${target}`);
    await pool.query(`UPDATE analytics_demo.upsert_limit SET score = coalesce(score, 0) + 1`);
    await pool.query(`VACUUM ANALYZE analytics_demo.upsert_limit`);
    const started = performance.now();
    const counts = await Promise.all(
      parts.map(async (file) => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query(`CREATE TEMP TABLE stage ON COMMIT DROP AS SELECT * FROM analytics_demo.upsert_limit WITH NO DATA`);
          const copy = client.query(copyFrom('COPY stage FROM STDIN'));
          await pipeline(createReadStream(file, { highWaterMark: 64 * 1024 }), copy);
          await client.query(
            `INSERT INTO analytics_demo.upsert_limit AS t SELECT * FROM stage
             ON CONFLICT (visit_id) DO UPDATE SET ${others.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
             WHERE (${others.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${others.map((c) => `EXCLUDED.${c}`).join(', ')})`,
          );
          await client.query('COMMIT');
          return copy.rowCount;
        } finally {
          client.release();
        }
      }),
    );
    return { rows: counts.reduce((a, b) => a + b, 0), seconds: (performance.now() - started) / 1000 };
  } finally {
    await pool.end();
  }
}

export async function benchIncremental(env: DemoEnvironment, threads: number, say: (line: string) => void): Promise<IncrementalFigures> {
  const target = 'analytics_demo.factvisitcallperformance_cr';
  say('incremental: a primary key needs values: the rows with a NULL VISIT_ID go, on both sides ...');
  await env.emulator.sql(`DELETE FROM ${SOURCE} WHERE "VISIT_ID" IS NULL`);
  const admin = new pg.Client({ host: env.postgres.host, port: env.postgres.port, user: env.postgres.user, password: env.postgres.password, database: env.database });
  await admin.connect();
  try {
    await admin.query(`DELETE FROM ${target} WHERE visit_id IS NULL`);
    await admin.query(`ALTER TABLE ${target} ADD PRIMARY KEY (visit_id)`);
  } finally {
    await admin.end();
  }
  say('incremental: every source row changes ...');
  await env.emulator.sql(`UPDATE ${SOURCE} SET "SCORE" = coalesce("SCORE", 0) + 1, "UPDATED_AT" = "UPDATED_AT" + INTERVAL 400 DAY`);

  const config = JSON.parse(await readFile(env.configPath, 'utf8')) as { tables: Array<Record<string, unknown>> };
  Object.assign(config.tables[0]!, {
    truncate_onstart: false,
    insert_only_mode: false,
    primary_key: ['VISIT_ID'],
    source_watermark: 'UPDATED_AT',
    target_watermark: 'updated_at',
  });
  const upsertConfig = join(env.dir, 'upsert.json');
  await writeFile(upsertConfig, JSON.stringify(config, null, 2));
  say('incremental: the UPSERT run ...');
  const { finished } = await followRun(Requests.start, { configPath: upsertConfig }, { json: false });
  if (!finished || finished.status !== 'completed') throw new Error(`the upsert run did not complete (${finished?.status ?? 'no result'})`);

  say('incremental: staging + ON CONFLICT in PostgreSQL alone ...');
  const limit = await upsertLimit(env, target, threads);

  return {
    upsert: { rows: finished.rowsLoaded, seconds: finished.seconds, rowsPerSecond: Math.round(finished.rowsLoaded / finished.seconds) },
    upsertLimit: { ...limit, rowsPerSecond: Math.round(limit.rows / limit.seconds) },
    verify: await benchVerify(upsertConfig, say),
  };
}
