// The world an editor test opens: the emulator seeded with the demo fact table, a fresh database
// on the test run's embedded PostgreSQL, and a workspace folder whose config.json points Thaw at
// both (the engine tests' fixture, test/support/migration.ts, writes it).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DEMO_TABLE } from '../../../src/emulator';
import { createFixture, type Fixture, type TableSpec } from '../../support/migration';

export interface EditorWorkspace {
  /** The folder the editor opens. */
  folder: string;
  configPath: string;
  fixture: Fixture;
  /** The environment the config's ${env:…} references read: give it to openEditor. */
  env: NodeJS.ProcessEnv;
  /** Writes a file into the workspace (path relative to the folder); returns its absolute path. */
  writeFile(relativePath: string, text: string): Promise<string>;
  close(): Promise<void>;
}

export const DEMO_TABLE_SPEC: TableSpec = {
  source_table: DEMO_TABLE,
  target_schema: 'analytics_editor',
  target_table: DEMO_TABLE.toLowerCase(),
  partition_column: 'VISIT_DATE',
  split_column: 'VISIT_ID',
  truncate_onstart: true,
};

export async function createEditorWorkspace(options: { demoRows?: number; tables?: TableSpec[]; config?: Record<string, unknown> } = {}): Promise<EditorWorkspace> {
  const fixture = await createFixture({ demoRows: options.demoRows ?? 2_000 });
  const folder = join(fixture.dir, 'workspace');
  await mkdir(folder);
  // $schema names Thaw's schema: that is how the editor tells a Thaw config.json from others.
  const schema = join(process.cwd(), 'schema', 'thaw-config.schema.json');
  const configPath = await fixture.writeConfig(options.tables ?? [DEMO_TABLE_SPEC], { $schema: schema, ...options.config }, join('workspace', 'config.json'));
  return {
    folder,
    configPath,
    fixture,
    env: fixture.env,
    async writeFile(relativePath, text) {
      const path = join(folder, relativePath);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
      return path;
    },
    close: () => fixture.close(),
  };
}
