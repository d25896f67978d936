// The source against the project's emulator through the real snowflake-sdk: metadata, planning,
// chunk streams (COPY lines loaded into a real PostgreSQL), NUL handling, errors, backpressure.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { ResolvedSource } from '../../src/engine/config';
import { Secret } from '../../src/engine/config/secret';
import { ConnectionError, DataError, DefinitionError, SourceError } from '../../src/engine/errors';
import { startEmulator, type Emulator } from '../../src/emulator';
import {
  findColumn,
  openSource,
  planChunks,
  readColumns,
  readIntegerRanges,
  readSourceTime,
  readTableRowCount,
  streamChunk,
  type ChunkLines,
  type SnowflakeSource,
  type Snapshot,
  type SourceTable,
} from '../../src/engine/source';
import { mapColumns, needsIntegerRange } from '../../src/engine/types';
import type { ChunkRange, SourceColumn } from '../../src/engine/types/model';
import { createTestDatabase, withClient } from '../support/postgres';

const PASSWORD = 'correct-horse-battery-staple';
const WHOLE: ChunkRange = { partitionIsNull: false, partitionValue: null, splitIsNull: false, splitLow: null, splitHigh: null, rows: 0 };

function sourceConfig(url: string): ResolvedSource {
  return {
    account: 'emu',
    username: 'LOADER',
    warehouse: 'WH',
    database: 'ANALYTICS',
    schema: 'PUBLIC',
    role: undefined,
    access_url: url,
    auth: { method: 'password', password: new Secret(PASSWORD, 'SNOWFLAKE_PASSWORD') },
  };
}

const table = (name: string): SourceTable => ({ database: 'ANALYTICS', schema: 'PUBLIC', table: name });

async function collectLines({ stream }: ChunkLines): Promise<string[]> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  const text = Buffer.concat(parts).toString('utf8');
  assert.ok(text === '' || text.endsWith('\n'), 'every line ends in a newline');
  return text === '' ? [] : text.slice(0, -1).split('\n');
}

describe('Snowflake source on the emulator (real snowflake-sdk)', function () {
  let emulator: Emulator;
  let source: SnowflakeSource;
  let logDir: string;

  before(async () => {
    logDir = await mkdtemp(join(tmpdir(), 'thaw-source-logs-'));
    emulator = await startEmulator({ port: 0 });
    await emulator.sql(`
      CREATE TABLE EVENTS (ID BIGINT, DAY DATE, NOTE VARCHAR);
      INSERT INTO EVENTS SELECT i, DATE '2024-01-01', 'heavy ' || i FROM range(1, 12001) t(i);
      INSERT INTO EVENTS SELECT 20000 + i, DATE '2024-01-02', 'light' FROM range(1, 11) t(i);
      INSERT INTO EVENTS SELECT 30000 + i, NULL, 'no day' FROM range(1, 8) t(i);
      INSERT INTO EVENTS SELECT NULL, DATE '2024-01-02', 'no id' FROM range(1, 4) t(i);
      INSERT INTO EVENTS SELECT NULL, NULL, 'neither' FROM range(1, 3) t(i);

      CREATE TABLE EDGE (ID BIGINT, TXT VARCHAR, BIG HUGEINT, AMOUNT DECIMAL(12,2), F DOUBLE, B BOOLEAN, D DATE, T TIME,
                         TS TIMESTAMP, TSL TIMESTAMPTZ, TZ VARCHAR, J JSON, BIN BLOB);
      INSERT INTO _snowflake_types VALUES ('EDGE', 'TZ', 'TIMESTAMP_TZ');
      INSERT INTO EDGE VALUES
        (1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        (2, '', 9007199254740993, -0.01, 'NaN'::DOUBLE, true, DATE '1969-12-31', TIME '23:59:59.123456',
            TIMESTAMP '1969-07-20 20:17:40.123456', TIMESTAMPTZ '1960-01-01 00:00:00+00', '2024-03-10 10:00:00.5 +05:30',
            '{"a":{"b":[1,2,{"c":"x\\ty\\\\z"}]},"e":null}', '\\x00\\xFF\\x10'::BLOB),
        (3, 'a' || chr(9) || 'b' || chr(10) || 'c\\d' || chr(13) || 'e\\N', 12345678901234567890123, 1234.5, 'Infinity'::DOUBLE,
            false, DATE '1900-02-28', TIME '00:00:00', TIMESTAMP '1900-01-01 00:00:00', TIMESTAMPTZ '2024-06-01 12:00:00+00',
            '2024-03-10 10:00:00 -08:00', '[]', ''::BLOB),
        (4, 'Grüße 🙂 日本', -9007199254740993, 0, '-Infinity'::DOUBLE, NULL, NULL, NULL, NULL, NULL, NULL, '"just text"', NULL);

      CREATE TABLE NULS (ID BIGINT, NOTE VARCHAR, OTHER VARCHAR);
      INSERT INTO NULS VALUES (1, 'fine', 'x'), (2, 'a' || chr(0) || 'b' || chr(0), 'y'), (3, 'also fine', 'z');

      CREATE TABLE JSON_NULS (ID BIGINT, DOC JSON);
      INSERT INTO JSON_NULS VALUES (1, '{"a":"fine"}'), (2, '{"a":"x\\u0000y","b":"back\\\\u0000slash"}');
    `);
    source = await openSource(sourceConfig(emulator.url), { logDir });
  });

  after(async () => {
    await source?.close();
    await emulator?.close();
    await rm(logDir, { recursive: true, force: true });
  });

  describe('metadata', () => {
    it('reads columns as INFORMATION_SCHEMA describes them', async () => {
      const columns = await readColumns(source, table('EDGE'));
      assert.deepEqual(
        columns.map((c) => [c.name, c.type, c.precision, c.scale, c.ordinal]),
        [
          ['ID', 'NUMBER', 38, 0, 1],
          ['TXT', 'TEXT', null, null, 2],
          ['BIG', 'NUMBER', 38, 0, 3],
          ['AMOUNT', 'NUMBER', 12, 2, 4],
          ['F', 'FLOAT', null, null, 5],
          ['B', 'BOOLEAN', null, null, 6],
          ['D', 'DATE', null, null, 7],
          ['T', 'TIME', null, columns[7]!.scale, 8],
          ['TS', 'TIMESTAMP_NTZ', null, columns[8]!.scale, 9],
          ['TSL', 'TIMESTAMP_LTZ', null, columns[9]!.scale, 10],
          ['TZ', 'TIMESTAMP_TZ', null, columns[10]!.scale, 11],
          ['J', 'VARIANT', null, null, 12],
          ['BIN', 'BINARY', null, null, 13],
        ],
      );
      for (const c of columns.filter((c) => c.type === 'TIME' || c.type.startsWith('TIMESTAMP'))) assert.equal(typeof c.scale, 'number');
      assert.equal(await readTableRowCount(source, table('EVENTS')), 12022);
    });

    it('names a missing table, and a misspelt column with a suggestion', async () => {
      await assert.rejects(readColumns(source, table('NO_SUCH_TABLE')), (e: unknown) => e instanceof DefinitionError && /ANALYTICS\.PUBLIC\.NO_SUCH_TABLE/.test(e.message));
      await assert.rejects(readTableRowCount(source, table('NO_SUCH_TABLE')), DefinitionError);
      const columns = await readColumns(source, table('EVENTS'));
      assert.throws(
        () => findColumn(columns, 'DAYS', 'partition_column', table('EVENTS')),
        (e: unknown) => e instanceof DefinitionError && /partition_column "DAYS" is not a column of ANALYTICS\.PUBLIC\.EVENTS \(did you mean "DAY"\?\)/.test(e.message),
      );
    });

    it('measures NUMBER(38,0) columns and maps them to bigint or numeric', async () => {
      const columns = await readColumns(source, table('EDGE'));
      const snapshot = await readSourceTime(source);
      const ranges = await readIntegerRanges(source, table('EDGE'), columns.filter(needsIntegerRange), snapshot);
      assert.deepEqual(ranges.get('ID'), { min: '1', max: '4' });
      assert.deepEqual(ranges.get('BIG'), { min: '-9007199254740993', max: '12345678901234567890123' });
      const types = Object.fromEntries(mapColumns(columns, { integerRanges: ranges }).map((m) => [m.targetName, m.targetType]));
      assert.equal(types.id, 'bigint');
      assert.equal(types.big, 'numeric(38,0)');
    });

    it('reads the source clock as a UTC snapshot', async () => {
      const snapshot = await readSourceTime(source);
      assert.match(snapshot, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} \+00:00$/);
      assert.ok(Math.abs(Date.parse(snapshot.replace(' +00:00', 'Z').replace(' ', 'T')) - Date.now()) < 60_000);
    });
  });

  describe('errors', () => {
    it('a statement Snowflake rejects is a terminal SourceError carrying its code', async () => {
      await assert.rejects(source.execute('SELECT * FROM "ANALYTICS"."PUBLIC"."MISSING"', [], { table: 'MISSING', chunkId: 7 }), (e: unknown) => {
        assert.ok(e instanceof SourceError);
        assert.equal(e.retryable, false);
        assert.equal(e.context.code, '002003');
        assert.equal(e.context.chunkId, 7);
        return true;
      });
    });

    it('an injected internal error in a chunk query is retryable and carries the chunk context', async () => {
      const columns = await readColumns(source, table('NULS'));
      emulator.setFaults({ failQueries: [{ pattern: 'AS "ROW" FROM "ANALYTICS"\\."PUBLIC"\\."NULS"', count: 1, kind: 'sql' }] });
      try {
        const stream = streamChunk(source, { table: table('NULS'), columns, split: columns[0]!, range: WHOLE, onNul: 'strip', context: { chunkId: 11 } });
        await assert.rejects(collectLines(stream), (e: unknown) => {
          assert.ok(e instanceof SourceError, String(e));
          assert.equal(e.retryable, true);
          assert.equal(e.context.code, '000603');
          assert.equal(e.context.chunkId, 11);
          assert.equal(e.context.table, 'ANALYTICS.PUBLIC.NULS');
          return true;
        });
      } finally {
        emulator.setFaults({ failQueries: [] });
      }
      assert.equal(emulator.faults().counters.patternFailures, 1);
    });

    it('an unreachable endpoint is a ConnectionError that never shows the password', async () => {
      const closed = await startEmulator({ port: 0 });
      await closed.close();
      await assert.rejects(openSource(sourceConfig(closed.url), { logDir, loginRetries: 0 }), (e: unknown) => {
        assert.ok(e instanceof ConnectionError);
        const shown = `${e.describe()} ${String((e as Error).cause)} ${JSON.stringify(e)}`;
        assert.ok(!shown.includes(PASSWORD), shown);
        assert.match(e.message, /cannot connect to the Snowflake source/);
        return true;
      });
    });
  });

  describe('authentication', () => {
    it('logs in with a programmatic access token', async () => {
      const config = { ...sourceConfig(emulator.url), auth: { method: 'token' as const, token: new Secret('pat-secret-value', 'SNOWFLAKE_TOKEN') } };
      const withToken = await openSource(config, { logDir });
      try {
        assert.equal((await readColumns(withToken, table('NULS'))).length, 3);
      } finally {
        await withToken.close();
      }
    });

    it('logs in with an encrypted key pair (SNOWFLAKE_JWT)', async () => {
      const { privateKey } = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'key-passphrase' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      });
      const keyFile = join(logDir, 'rsa_key.p8');
      await writeFile(keyFile, privateKey);
      const config = {
        ...sourceConfig(emulator.url),
        auth: { method: 'key_pair' as const, private_key_path: keyFile, private_key_passphrase: new Secret('key-passphrase', 'PASSPHRASE') },
      };
      const withKey = await openSource(config, { logDir });
      try {
        assert.equal((await readColumns(withKey, table('NULS'))).length, 3);
      } finally {
        await withKey.close();
      }
    });
  });

  describe('planning', () => {
    let columns: SourceColumn[];
    let snapshot: Snapshot;
    before(async () => {
      columns = await readColumns(source, table('EVENTS'));
      snapshot = await readSourceTime(source);
    });

    it('splits a 12k-row heavy day into 24 chunks of 500 and gives NULLs chunks of their own', async () => {
      const chunks = await planChunks(source, table('EVENTS'), {
        partition: findColumn(columns, 'DAY', 'partition_column', table('EVENTS')),
        split: findColumn(columns, 'ID', 'split_column', table('EVENTS')),
        batchSize: 500,
        snapshot,
      });
      const heavy = chunks.filter((c) => c.partitionValue === '2024-01-01');
      assert.equal(heavy.length, 24);
      assert.ok(heavy.every((c) => c.rows === 500));
      assert.equal(heavy[0]!.splitLow, null);
      assert.equal(heavy[23]!.splitHigh, null);
      for (let i = 1; i < heavy.length; i++) assert.equal(heavy[i]!.splitLow, heavy[i - 1]!.splitHigh);
      assert.equal(heavy[1]!.splitLow, '501');

      const light = chunks.filter((c) => c.partitionValue === '2024-01-02');
      assert.deepEqual(light.map((c) => [c.splitIsNull, c.rows]), [[false, 10], [true, 3]]);
      const noDay = chunks.filter((c) => c.partitionIsNull);
      assert.deepEqual(noDay.map((c) => [c.partitionValue, c.splitIsNull, c.rows]), [[null, false, 7], [null, true, 2]]);
      assert.equal(chunks.length, 28);

      // Every row in exactly one chunk: streamed rows match the plan, ids never repeat.
      const [count] = await source.execute<{ N: number }>('SELECT COUNT(*) AS "N" FROM "ANALYTICS"."PUBLIC"."EVENTS"');
      const N = count!.N;
      assert.equal(N, 12022);
      assert.equal(chunks.reduce((n, c) => n + c.rows, 0), N);
      const seen = new Set<string>();
      let streamed = 0;
      let nullIds = 0;
      for (const range of chunks) {
        const stream = streamChunk(source, {
          table: table('EVENTS'),
          columns,
          partition: findColumn(columns, 'DAY', 'partition_column', table('EVENTS')),
          split: findColumn(columns, 'ID', 'split_column', table('EVENTS')),
          range,
          snapshot,
        });
        const lines = await collectLines(stream);
        assert.equal(lines.length, range.rows, `chunk ${JSON.stringify(range)}`);
        for (const line of lines) {
          const id = line.split('\t')[0]!;
          if (id === '\\N') nullIds++;
          else {
            assert.ok(!seen.has(id), `id ${id} streamed twice`);
            seen.add(id);
          }
          streamed++;
        }
      }
      assert.equal(streamed, N);
      assert.equal(nullIds, 5);
    });

    it('re-plans only the tails asked for, each starting at its split value, NULL splits left out', async () => {
      const partition = findColumn(columns, 'DAY', 'partition_column', table('EVENTS'));
      const split = findColumn(columns, 'ID', 'split_column', table('EVENTS'));
      const chunks = await planChunks(source, table('EVENTS'), {
        partition,
        split,
        batchSize: 2000,
        snapshot,
        only: [
          { partitionIsNull: false, partitionValue: '2024-01-01', splitFrom: '6001' },
          { partitionIsNull: true, partitionValue: null, splitFrom: null },
        ],
      });
      const heavy = chunks.filter((c) => c.partitionValue === '2024-01-01');
      assert.deepEqual(heavy.map((c) => [c.splitLow, c.splitHigh, c.rows]), [
        ['6001', '8001', 2000],
        ['8001', '10001', 2000],
        ['10001', null, 2000],
      ]);
      const noDay = chunks.filter((c) => c.partitionIsNull);
      assert.deepEqual(noDay.map((c) => [c.splitIsNull, c.splitLow, c.rows]), [[false, null, 7]], 'the NULL-split chunk keeps its place');
      assert.equal(chunks.length, 4, 'the day not asked for is not planned');
    });

    it('plans a table without a partition column, and a single-bucket table', async () => {
      const split = findColumn(columns, 'ID', 'split_column', table('EVENTS'));
      const chunks = await planChunks(source, table('EVENTS'), { split, batchSize: 5000 });
      assert.deepEqual(chunks.map((c) => c.rows), [5000, 5000, 2017, 5]);
      assert.ok(chunks.every((c) => !c.partitionIsNull && c.partitionValue === null));
      assert.equal(chunks[3]!.splitIsNull, true);

      const single = await planChunks(source, table('EVENTS'), { split, batchSize: 1_000_000 });
      assert.deepEqual(single.map((c) => [c.splitLow, c.splitHigh, c.splitIsNull, c.rows]), [[null, null, false, 12017], [null, null, true, 5]]);
      const lines = await collectLines(streamChunk(source, { table: table('EVENTS'), columns, split, range: single[0]! }));
      assert.equal(lines.length, 12017);
    });

    it('refuses a split column whose type cannot bound a chunk', async () => {
      const edge = await readColumns(source, table('EDGE'));
      await assert.rejects(
        planChunks(source, table('EDGE'), { split: findColumn(edge, 'F', 'split_column', table('EDGE')), batchSize: 10 }),
        (e: unknown) => e instanceof DefinitionError && /split_column "F" has type FLOAT/.test(e.message),
      );
    });
  });

  describe('chunk streams', () => {
    it('renders edge values as COPY text that PostgreSQL loads exactly', async () => {
      const columns = await readColumns(source, table('EDGE'));
      const ranges = await readIntegerRanges(source, table('EDGE'), columns.filter(needsIntegerRange));
      const mappings = mapColumns(columns, { integerRanges: ranges });
      const split = findColumn(columns, 'ID', 'split_column', table('EDGE'));
      const lines = await collectLines(streamChunk(source, { table: table('EDGE'), columns, split, range: WHOLE }));
      const rows = new Map(lines.map((l) => [l.split('\t')[0]!, l.split('\t')]));
      assert.equal(rows.size, 4);
      assert.deepEqual(rows.get('1')!.slice(1), Array(12).fill('\\N'), 'NULL is \\N in every type');
      const two = rows.get('2')!;
      assert.equal(two[1], '', 'an empty string stays empty, not NULL');
      assert.equal(two[2], '9007199254740993', 'integers past 2^53 keep every digit');
      assert.equal(two[4], 'NaN');
      assert.equal(two[12], '\\\\x00FF10');
      const three = rows.get('3')!;
      assert.equal(three[1], 'a\\tb\\nc\\\\d\\re\\\\N', 'tab, newline, backslash, CR escaped');
      assert.equal(three[2], '12345678901234567890123');
      assert.match(three[4]!, /^(inf|Infinity)$/i);
      assert.match(rows.get('4')![4]!, /^-(inf|Infinity)$/i);
      assert.equal(rows.get('4')![1], 'Grüße 🙂 日本');

      const db = await createTestDatabase();
      await withClient(db, async (client) => {
        await client.query(`SET TIME ZONE 'UTC'`);
        await client.query(`CREATE TABLE edge (${mappings.map((m) => `"${m.targetName}" ${m.targetType}`).join(', ')})`);
        const copy = client.query(copyFrom('COPY edge FROM STDIN'));
        await pipeline(streamChunk(source, { table: table('EDGE'), columns, split, range: WHOLE }).stream, copy);
        const { rows: loaded } = await client.query(`
          SELECT id, txt, big::text, amount::text, f::text, b, d::text, t::text, ts::text, tsl::text, tz::text,
                 j, encode(bin, 'hex') AS bin
          FROM edge ORDER BY id`);
        assert.deepEqual(loaded[0], { id: '1', txt: null, big: null, amount: null, f: null, b: null, d: null, t: null, ts: null, tsl: null, tz: null, j: null, bin: null });
        assert.deepEqual(loaded[1], {
          id: '2', txt: '', big: '9007199254740993', amount: '-0.01', f: 'NaN', b: true, d: '1969-12-31', t: '23:59:59.123456',
          ts: '1969-07-20 20:17:40.123456', tsl: '1960-01-01 00:00:00+00', tz: '2024-03-10 04:30:00.5+00',
          j: { a: { b: [1, 2, { c: 'x\ty\\z' }] }, e: null }, bin: '00ff10',
        });
        assert.deepEqual(loaded[2], {
          id: '3', txt: 'a\tb\nc\\d\re\\N', big: '12345678901234567890123', amount: '1234.50', f: 'Infinity', b: false, d: '1900-02-28',
          t: '00:00:00', ts: '1900-01-01 00:00:00', tsl: '2024-06-01 12:00:00+00', tz: '2024-03-10 18:00:00+00', j: [], bin: '',
        });
        assert.equal(loaded[3].txt, 'Grüße 🙂 日本');
        assert.equal(loaded[3].big, '-9007199254740993');
        assert.equal(loaded[3].f, '-Infinity');
        assert.equal(loaded[3].j, 'just text');
      });
    });

    it('downloads the result chunks itself: one cut halfway and one answered 503 are retried, every row arrives once', async () => {
      const columns = await readColumns(source, table('EVENTS'));
      const split = findColumn(columns, 'ID', 'split_column', table('EVENTS'));
      const before = emulator.faults().counters;
      emulator.setFaults({ cutChunksNext: 1, failNextChunks: 1 });
      const lines = await collectLines(streamChunk(source, { table: table('EVENTS'), columns, split, range: WHOLE }));
      const after = emulator.faults().counters;
      assert.equal(after.cutChunks - before.cutChunks, 1, 'a chunk download was cut');
      assert.equal(after.chunkFailures - before.chunkFailures, 1, 'a chunk download was refused');
      assert.equal(lines.length, 12017, 'every row with an ID');
      assert.equal(new Set(lines.map((l) => l.split('\t')[0])).size, 12017, 'each once');
    });

    it('reads a result again after its session token expired (390112), renewed through the driver', async () => {
      const first = await source.query('SELECT "ID" FROM "ANALYTICS"."PUBLIC"."EVENTS"');
      assert.equal(first.total, 12022);
      emulator.expireSessionTokens();
      const again = await source.result(first.queryId);
      assert.equal(again.total, 12022);
      assert.deepEqual(again.rowset, first.rowset);
      assert.equal(again.chunks.length, first.chunks.length);
      const [row] = await source.execute<{ N: number }>('SELECT COUNT(*) AS "N" FROM "ANALYTICS"."PUBLIC"."NULS"');
      assert.equal(row!.N, 3);
    });

    it('stops cleanly when the consumer gives up mid-chunk, leaving the connection usable', async () => {
      const columns = await readColumns(source, table('EVENTS'));
      const { stream } = streamChunk(source, { table: table('EVENTS'), columns, split: columns[0]!, range: WHOLE, highWaterMark: 1024 });
      for await (const part of stream) {
        assert.ok((part as Buffer).length > 0);
        break; // for-await's return() destroys the stream
      }
      assert.ok(stream.destroyed);
      const [row] = await source.execute<{ N: number }>('SELECT COUNT(*) AS "N" FROM "ANALYTICS"."PUBLIC"."NULS"');
      assert.equal(row!.N, 3);
    });

    it('fails on a NUL character naming table, column and key; strips it when asked', async () => {
      const columns = await readColumns(source, table('NULS'));
      const split = findColumn(columns, 'ID', 'split_column', table('NULS'));
      await assert.rejects(
        collectLines(streamChunk(source, { table: table('NULS'), columns, split, range: WHOLE, context: { runId: 'r1', chunkId: 3 } })),
        (e: unknown) => {
          assert.ok(e instanceof DataError);
          assert.equal(e.retryable, false);
          assert.deepEqual(e.context, { runId: 'r1', chunkId: 3, table: 'ANALYTICS.PUBLIC.NULS', column: 'NOTE', key: '2' });
          assert.match(e.describe(), /NUL character/);
          return true;
        },
      );
      const stripping = streamChunk(source, { table: table('NULS'), columns, split, range: WHOLE, onNul: 'strip' });
      const lines = await collectLines(stripping);
      assert.deepEqual(lines.sort(), ['1\tfine\tx', '2\tab\ty', '3\talso fine\tz']);
      assert.equal(stripping.guard.strippedNuls, 2);
    });

    it('treats a \\u0000 escape inside VARIANT JSON as the NUL it is (jsonb cannot hold it either)', async () => {
      const columns = await readColumns(source, table('JSON_NULS'));
      const split = findColumn(columns, 'ID', 'split_column', table('JSON_NULS'));
      await assert.rejects(collectLines(streamChunk(source, { table: table('JSON_NULS'), columns, split, range: WHOLE })), (e: unknown) => {
        assert.ok(e instanceof DataError);
        assert.equal(e.context.column, 'DOC');
        assert.equal(e.context.key, '2');
        return true;
      });
      const lines = await collectLines(streamChunk(source, { table: table('JSON_NULS'), columns, split, range: WHOLE, onNul: 'strip' }));
      const doc = lines.find((l) => l.startsWith('2\t'))!.split('\t')[1]!;
      // COPY unescaping turns \\ into \: the JSON PostgreSQL receives keeps the escaped backslash.
      assert.deepEqual(JSON.parse(doc.replaceAll('\\\\', '\\')), { a: 'xy', b: 'back\\u0000slash' });
    });
  });
});
