// jsonValidation: the editor validates *.thaw.json files against the schema shipped in the .vsix.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('*.thaw.json validation in the extension host', () => {
  it('reports a schema diagnostic on an invalid value', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder is open');
    const uri = vscode.Uri.joinPath(folder.uri, 'invalid-ssl.thaw.json');
    const text = JSON.stringify({ target: { host: 'localhost', database: 'w', user: 'u', ssl: 'sometimes' } }, null, 2);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    try {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      const deadline = Date.now() + 60_000;
      let messages: string[] = [];
      while (Date.now() < deadline) {
        messages = vscode.languages.getDiagnostics(uri).map((d) => d.message);
        if (messages.some((m) => m.includes('"verify-full"'))) return;
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.fail(`no diagnostic naming the allowed ssl values; diagnostics: ${JSON.stringify(messages)}`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(uri);
    }
  });
});
