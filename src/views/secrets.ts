// Secrets the user sets through "Migration: Set Snowflake/PostgreSQL Secret": kept in VS Code's
// SecretStorage (the OS keychain), never in a file, and handed to the worker as the environment
// its `${env:NAME}` references read. Only the names are kept elsewhere (globalState), so the
// worker can be given every stored secret at start.
import type * as vscode from 'vscode';

const NAMES_KEY = 'thaw.secretNames';
const secretKey = (name: string) => `thaw.env.${name}`;

export class SecretEnv {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly names: vscode.Memento,
  ) {}

  async set(name: string, value: string): Promise<void> {
    await this.secrets.store(secretKey(name), value);
    const names = new Set(this.names.get<string[]>(NAMES_KEY, []));
    names.add(name);
    await this.names.update(NAMES_KEY, [...names].sort());
  }

  /** Every stored secret by its environment name. */
  async env(): Promise<Record<string, string>> {
    const env: Record<string, string> = {};
    for (const name of this.names.get<string[]>(NAMES_KEY, [])) {
      const value = await this.secrets.get(secretKey(name));
      if (value !== undefined) env[name] = value;
    }
    return env;
  }
}
