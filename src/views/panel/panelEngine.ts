// What the progress panel needs from the extension's engine worker: typed requests and events of
// src/protocol/engine.ts. The extension's one long-lived worker host provides it; the panel never
// starts a worker of its own.
import type * as vscode from 'vscode';
import type { DataOf, EventDescriptor, ParamsOf, RequestDescriptor, ResultOf } from '../../protocol/engine';

export interface PanelEngine {
  request<R extends RequestDescriptor>(request: R, params: ParamsOf<R>): Promise<ResultOf<R>>;
  on<E extends EventDescriptor>(event: E, listener: (data: DataOf<E>) => void): vscode.Disposable;
}
