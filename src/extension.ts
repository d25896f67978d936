// Activation only: the editor side owns nothing but its context (src/views/context.ts).
import type * as vscode from 'vscode';
import { ThawContext } from './views/context';

let context: ThawContext | undefined;

export function activate(extensionContext: vscode.ExtensionContext): void {
  context = new ThawContext(extensionContext);
}

export async function deactivate(): Promise<void> {
  await context?.dispose();
  context = undefined;
}
