/** Reading back an init-generated trainer script: workspace ground, so never through a FIFO or a link, and never a large file. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGeneratedScript } from '../../../orchestrator/preflight/generated-script.js';
import { workspacePaths } from '../../../adapters/workspace.js';
import { trainerScript } from '../../../domain/scaffold/scripts.js';

function workspace(): { d: string; script: string } {
  const d = mkdtempSync(join(tmpdir(), 'generated-script-'));
  mkdirSync(join(d, 'scripts'));
  return { d, script: join(d, 'scripts', 'run.sh') };
}

describe('readGeneratedScript', () => {
  it('reads the exec argv of a script in the generated form', () => {
    const { d, script } = workspace();
    writeFileSync(script, trainerScript(['python3', 'train.py']));
    expect(readGeneratedScript(workspacePaths(d), script)).toEqual({ file: 'scripts/run.sh', argv: ['python3', 'train.py'] });
  });

  it('never opens a FIFO standing there (the call returns: nothing blocks on a writer)', () => {
    const { d, script } = workspace();
    execFileSync('mkfifo', [script]);
    expect(readGeneratedScript(workspacePaths(d), script)).toBeNull();
  });

  it('never follows a link there, to a decoy in the generated form', () => {
    const { d, script } = workspace();
    const decoy = join(mkdtempSync(join(tmpdir(), 'generated-script-decoy-')), 'run.sh');
    writeFileSync(decoy, trainerScript(['python3', 'train.py']));
    symlinkSync(decoy, script);
    expect(readGeneratedScript(workspacePaths(d), script)).toBeNull();
  });

  // The cap itself is readConfined's (test/adapters/fs): here, a huge file there gives no argv and the call returns.
  it('gives nothing for a file far over its cap (a sparse 1 GiB one)', () => {
    const { d, script } = workspace();
    writeFileSync(script, trainerScript(['python3', 'train.py']));
    truncateSync(script, 1 << 30);
    expect(readGeneratedScript(workspacePaths(d), script)).toBeNull();
  });
});
