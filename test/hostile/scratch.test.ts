import { createFixture } from '../support/migration';
describe('scratch', () => {
  it('hostile ids', async () => {
    const fx = await createFixture();
    try {
      await fx.emulator.sql(`CREATE TABLE main."x""; DROP TABLE y; --" ("id;--" BIGINT NOT NULL, "Ünï ""名前""" VARCHAR, "select" VARCHAR, "it's" DOUBLE, "a b" DATE)`);
      await fx.emulator.sql(`INSERT INTO main."x""; DROP TABLE y; --" VALUES (1, 'a''; DROP TABLE z; --', 'x', 1.5, DATE '2024-01-01'), (2, NULL, '\\N', NULL, NULL)`);
      const config = await fx.writeConfig([{ source_table: 'x"; DROP TABLE y; --', target_schema: 'Weird "Schema"; --', split_column: 'id;--', partition_column: 'a b' }], {}, 'h.json');
      const r = await fx.cli(['start', '--config', config]);
      console.log(r.code, r.stdout, r.stderr);
      console.log(await fx.query(`SELECT table_schema, table_name, column_name FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog','information_schema','migration_status')`));
    } finally { await fx.close(); }
  });
});
