// The installed extension as the editor loads it: present, activated, its commands registered.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'thaw.thaw';

interface Contributes {
  commands: Array<{ command: string; title: string }>;
}

describe('the installed extension', () => {
  it('activates in the editor', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in this editor`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers every command it contributes', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    await extension.activate();
    const contributed = (extension.packageJSON.contributes as Contributes).commands.map((c) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((c) => !registered.has(c)),
      [],
      'contributed commands that the extension did not register',
    );
  });
});
