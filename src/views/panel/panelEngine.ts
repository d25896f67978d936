// What the progress panel needs from the extension's engine worker: typed requests and events of
// src/protocol/engine.ts. The extension's one long-lived client provides it; the panel never
// starts a worker of its own.
import type * as vscode from 'vscode';
import type { EventType, RequestType } from '../../protocol/engine';

export interface PanelEngine {
  request<P, R>(request: RequestType<P, R>, params: P): Promise<R>;
  onEvent<D>(event: EventType<D>, listener: (data: D) => void): vscode.Disposable;
}
