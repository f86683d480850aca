import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTrainer, findExecutable } from '../../../orchestrator/preflight/trainer.js';
import { workspacePaths } from '../../../adapters/workspace.js';

function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'preflight-trainer-'));
  mkdirSync(join(d, 'bin'));
  writeFileSync(join(d, 'bin', 'train'), '#!/bin/sh\n');
  chmodSync(join(d, 'bin', 'train'), 0o755);
  writeFileSync(join(d, 'bin', 'plain'), 'not executable\n');
  chmodSync(join(d, 'bin', 'plain'), 0o644);
  return d;
}

describe('finding the trainer executable', () => {
  it('resolves a path against the working directory, and a name on the given PATH', () => {
    const d = dir();
    expect(findExecutable('bin/train', d)).toEqual({ ok: true, path: join(d, 'bin', 'train') });
    expect(findExecutable('train', '/', join(d, 'bin'))).toEqual({ ok: true, path: join(d, 'bin', 'train') });
  });

  it('says what is wrong: missing, not executable, not on PATH', () => {
    const d = dir();
    expect(findExecutable('bin/nope', d)).toMatchObject({ ok: false, problem: `"bin/nope": ${join(d, 'bin', 'nope')} does not exist` });
    expect(findExecutable('./bin/plain', d)).toMatchObject({ ok: false, problem: expect.stringContaining('is not executable'), allowed: expect.stringContaining('chmod +x') });
    expect(findExecutable('plain', d, join(d, 'bin'))).toMatchObject({ ok: false, problem: expect.stringContaining('is on PATH') });
    expect(findExecutable('pythn3', d, join(d, 'bin'))).toMatchObject({ ok: false, problem: `"pythn3" is not found on PATH (${join(d, 'bin')})` });
  });
});

describe('checking trainer.command', () => {
  it('needs the script an interpreter runs, and a working directory that exists', () => {
    const d = dir();
    const paths = workspacePaths(d);
    const ok = checkTrainer(paths, { trainer: { command: ['sh', 'bin/train'], cwd: '.', env: {} } });
    expect(ok.problems).toEqual([]);
    expect(ok.resolved).toMatchObject({ cwd: d, script: join(d, 'bin', 'train') });
    const noScript = checkTrainer(paths, { trainer: { command: ['sh', 'bin/gone.sh'], cwd: '.', env: {} } });
    expect(noScript.problems).toEqual([expect.objectContaining({ key: 'trainer.command[1]', problem: expect.stringContaining('"bin/gone.sh" does not exist') })]);
    const noCwd = checkTrainer(paths, { trainer: { command: ['sh', 'bin/train'], cwd: 'missing', env: {} } });
    expect(noCwd.problems).toEqual([expect.objectContaining({ key: 'trainer.cwd' })]);
  });
});
