// Create Config, Open Config, Open Monitoring Query, and the two Set Secret commands.
import * as vscode from 'vscode';
import { rootString, secretReferences, starterConfig, type SecretSide } from '../configKind';
import type { Ctx } from './ctx';

export async function createConfig(ctx: Ctx): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showInformationMessage('Open a folder first: a migration config lives in a workspace.');
    return;
  }
  const taken = new Set(ctx.configs.all.map((p) => vscode.workspace.asRelativePath(p)));
  const name = await vscode.window.showInputBox({
    title: 'Create migration config',
    prompt: 'File name: config.json, or NAME.thaw.json for a second config (e.g. one per target schema)',
    value: taken.has('config.json') ? 'migration.thaw.json' : 'config.json',
    validateInput: (v) => (/^[\w.-]+\.json$/.test(v) ? undefined : 'A file name ending in .json'),
  });
  if (!name) return;
  const uri = vscode.Uri.joinPath(folder.uri, name);
  try {
    await vscode.workspace.fs.stat(uri);
    void vscode.window.showWarningMessage(`${name} exists already; it was left as it is.`);
    return;
  } catch {
    // Absent: written below.
  }
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(starterConfig()));
  await vscode.window.showTextDocument(uri);
  await ctx.configs.scan();
}

export async function openConfig(ctx: Ctx, arg?: unknown, line?: number, column?: number): Promise<void> {
  const configPath = await ctx.configs.pick(arg);
  if (!configPath) return;
  const pos = new vscode.Position(Math.max(0, (line ?? 1) - 1), Math.max(0, (column ?? 1) - 1));
  await vscode.window.showTextDocument(vscode.Uri.file(configPath), { selection: new vscode.Range(pos, pos) });
}

/** Opens a query of sql/monitoring (shipped in the extension) as an untitled SQL document, on the config's status schema. */
export async function openMonitoringQuery(ctx: Ctx, arg?: unknown): Promise<void> {
  const dir = vscode.Uri.joinPath(ctx.extensionUri, 'sql', 'monitoring');
  const files = (await vscode.workspace.fs.readDirectory(dir)).filter(([n]) => n.endsWith('.sql')).map(([n]) => n).sort();
  const read = async (name: string) => new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, name)));
  let name = typeof arg === 'string' && files.includes(arg) ? arg : undefined;
  if (!name) {
    const items = await Promise.all(files.map(async (f) => ({ label: f, detail: firstComment(await read(f)) })));
    name = (await vscode.window.showQuickPick(items, { title: 'Monitoring query', placeHolder: 'Open which query?' }))?.label;
  }
  if (!name) return;
  let sql = await read(name);
  const schema = await statusSchemaOfConfigs(ctx);
  if (schema && schema !== 'migration_status') sql = sql.replace(/\bmigration_status\./g, `${schema}.`);
  const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: sql });
  await vscode.window.showTextDocument(doc);
}

/** The first line of a query file's leading comment: what it is for. */
function firstComment(sql: string): string | undefined {
  const line = sql.split('\n').find((l) => l.startsWith('--'));
  return line?.replace(/^--\s*/, '');
}

/** The status schema the workspace's configs name, when they agree on one. */
async function statusSchemaOfConfigs(ctx: Ctx): Promise<string | undefined> {
  const schemas = new Set<string>();
  for (const p of ctx.configs.all) {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(p)));
    schemas.add(rootString(text, 'status_schema') ?? 'migration_status');
  }
  return schemas.size === 1 ? [...schemas][0] : undefined;
}

const SIDE_LABELS: Record<SecretSide, { product: string; fallback: string }> = {
  source: { product: 'Snowflake', fallback: 'SNOWFLAKE_PASSWORD' },
  target: { product: 'PostgreSQL', fallback: 'PGPASSWORD' },
};

/**
 * Asks for a secret and keeps it in SecretStorage under the environment name the config's
 * `${env:NAME}` reference reads; the worker gets it at once. The value is never logged or written.
 */
export async function setSecret(ctx: Ctx, side: SecretSide, arg?: unknown): Promise<void> {
  const { product, fallback } = SIDE_LABELS[side];
  const given = (typeof arg === 'object' && arg !== null ? arg : {}) as { configPath?: unknown; name?: unknown; value?: unknown };
  const configPath = await ctx.configs.pick(typeof given.configPath === 'string' ? given.configPath : undefined);
  if (!configPath) return;
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(configPath)));
  const refs = secretReferences(text, side);
  let name = typeof given.name === 'string' ? given.name : refs[0]?.name;
  if (refs.length > 1 && typeof given.name !== 'string') {
    name = (await vscode.window.showQuickPick(refs.map((r) => ({ label: r.name, description: r.path }))))?.label;
    if (!name) return;
  }
  if (!name) {
    name = await vscode.window.showInputBox({
      title: `Set ${product} secret`,
      prompt: `${vscode.workspace.asRelativePath(configPath)} has no \${env:NAME} reference for the ${product} secret yet. Name of the variable it will read:`,
      value: fallback,
      validateInput: (v) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(v) ? undefined : 'Letters, digits and _'),
    });
    if (!name) return;
  }
  const value =
    typeof given.value === 'string'
      ? given.value
      : await vscode.window.showInputBox({
          title: `Set ${product} secret`,
          prompt: `Value of \${env:${name}}: kept in the editor's secret storage, never in a file or a log`,
          password: true,
          ignoreFocusOut: true,
        });
  if (!value) return;
  await ctx.secrets.set(name, value);
  await ctx.engine.setEnv(await ctx.secrets.env());
  ctx.log.info(`secret \${env:${name}} set for the ${product} side (value kept in secret storage)`);
  vscode.window.setStatusBarMessage(`$(key) \${env:${name}} stored in secret storage`, 5000);
  // The status tables may have been out of reach for want of this secret.
  ctx.refreshSoon();
  if (!refs.some((r) => r.name === name)) {
    void vscode.window.showInformationMessage(`Write "\${env:${name}}" as the ${product} secret in ${vscode.workspace.asRelativePath(configPath)} so the migration reads it.`);
  }
}
