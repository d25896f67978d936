// Activation only: the editor side owns nothing but its context (src/views/context.ts).
import type * as vscode from 'vscode';
import { ThawContext } from './views/context';

let context: ThawContext | undefined;

export function activate(extensionContext: vscode.ExtensionContext): ThawContext {
  context = new ThawContext(extensionContext);
  return context;
}

export async function deactivate(): Promise<void> {
  await context?.close();
  context = undefined;
}
