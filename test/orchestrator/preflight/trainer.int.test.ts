import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTrainer, findExecutable } from '../../../orchestrator/preflight/trainer.js';
import { workspacePaths } from '../../../adapters/workspace.js';
import { trainerScript } from '../../../domain/scaffold/scripts.js';

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

describe('checking the command a generated trainer script execs', () => {
  /** A workspace whose trainer.command runs `script` (the text of scripts/run.sh) with bash, and a trainer file train.py. */
  function generated(script: string) {
    const d = dir();
    mkdirSync(join(d, 'scripts'));
    writeFileSync(join(d, 'scripts', 'run.sh'), script);
    writeFileSync(join(d, 'train.py'), 'print(1)\n');
    return { d, paths: workspacePaths(d), settings: { trainer: { command: ['/bin/bash', 'scripts/run.sh'], cwd: '.', env: { PATH: join(d, 'bin') } } } };
  }

  it('names the missing script and interpreter of its exec line, each with the close name', () => {
    const { paths, settings } = generated(trainerScript(['/bin/sh', 'trian.py']));
    expect(checkTrainer(paths, settings)).toEqual({
      resolved: null,
      problems: [expect.objectContaining({ file: 'scripts/run.sh', key: 'exec line, word 2 ("trian.py")', problem: expect.stringContaining('(did you mean train.py?)') })],
    });
    const typo = generated(trainerScript(['trian', 'train.py']));
    expect(checkTrainer(typo.paths, typo.settings).problems).toEqual([
      expect.objectContaining({ file: 'scripts/run.sh', key: 'exec line, word 1 ("trian")', problem: `"trian" is not found on PATH (${join(typo.d, 'bin')}) (did you mean train?)` }),
    ]);
  });

  it('passes a generated script whose command is there, and never second-guesses a hand-edited one', () => {
    const ok = generated(trainerScript(['sh', 'train.py']));
    expect(checkTrainer(ok.paths, { trainer: { ...ok.settings.trainer, env: {} } })).toMatchObject({ problems: [], resolved: { script: join(ok.d, 'scripts', 'run.sh') } });
    const edited = generated(trainerScript(['sh', 'gone.py']).replace('set -euo pipefail', 'set -euo pipefail\ncd elsewhere'));
    expect(checkTrainer(edited.paths, { trainer: { ...edited.settings.trainer, env: {} } }).problems).toEqual([]);
    // The same script unedited is checked: the edit, not the missing file, is what silences it.
    const unedited = generated(trainerScript(['sh', 'gone.py']));
    expect(checkTrainer(unedited.paths, { trainer: { ...unedited.settings.trainer, env: {} } }).problems).toEqual([expect.objectContaining({ key: 'exec line, word 2 ("gone.py")' })]);
  });

  it('does not read a script reached through a link (workspace ground)', () => {
    const decoy = mkdtempSync(join(tmpdir(), 'preflight-decoy-'));
    writeFileSync(join(decoy, 'run.sh'), trainerScript(['sh', 'gone.py']));
    const { d, paths } = generated('');
    symlinkSync(join(decoy, 'run.sh'), join(d, 'scripts', 'linked.sh'));
    expect(checkTrainer(paths, { trainer: { command: ['bash', 'scripts/linked.sh'], cwd: '.', env: {} } }).problems).toEqual([]);
    // The decoy itself, read as a workspace's own script, would be refused.
    expect(checkTrainer(workspacePaths(decoy), { trainer: { command: ['bash', 'run.sh'], cwd: '.', env: {} } }).problems).toHaveLength(1);
  });
});
