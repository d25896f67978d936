// What every command reaches: the parts ThawContext owns. Commands are plain functions of it,
// registered in one place (./index.ts).
import type * as vscode from 'vscode';
import type { RunSummary } from '../../protocol/engine';
import type { ConfigFiles } from '../configFiles';
import type { ThawDocuments } from '../documents';
import type { EngineHost } from '../engineHost';
import type { ErrorReporter } from '../errors';
import type { RunMemory } from '../runMemory';
import type { RunsModel } from '../runsTree/model';
import type { SecretEnv } from '../secrets';

/** A run and the config whose database holds it. */
export interface RunTarget {
  configPath: string;
  runId: string;
}

/**
 * What Show Progress opens: the progress panel (src/views/panel). The tree's run items and the
 * status bar both go through `thaw.showProgress`, so they open the same thing.
 */
export interface ProgressView {
  show(target: RunTarget): Promise<void>;
}

export interface Ctx {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  readonly engine: EngineHost;
  readonly configs: ConfigFiles;
  readonly model: RunsModel;
  readonly docs: ThawDocuments;
  readonly errors: ErrorReporter;
  readonly memory: RunMemory;
  readonly secrets: SecretEnv;
  progressView: ProgressView;
  /** The run the status bar and Show Progress are about: this window's, else the newest running one. */
  activeRun(): { configPath: string; run: RunSummary } | undefined;
  /** Reads the runs again now (after a command changed one). */
  refreshSoon(): void;
}
