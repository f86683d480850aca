/**
 * Checkpoint indexing in loops of the fake trainer: attempts that fail are indexed too (before
 * their RunFailed), a link planted among the checkpoints is recorded and never followed, and a
 * folder shared by runs is refused when runs would be in flight together.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logOf, loop } from '../support/hostile.js';
import { fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';
import type { EventOf } from '../../events/catalogue.js';

describe('checkpoint indexing around failed attempts', () => {
  it('indexes after every attempt, failed ones included, and records a planted link to a decoy without following it', async () => {
    const ws = fakeTrainerWorkspace({ FAKE_TRAINER_BEHAVIOUR: 'crash' });
    patchSettings(ws, { checkpoints: { dir: 'experiments/{run}' } });
    const decoyDir = mkdtempSync(join(tmpdir(), 'autopilot-decoy-'));
    writeFileSync(join(decoyDir, 'weights.pt'), 'DECOY');
    mkdirSync(join(ws, 'experiments', '001'), { recursive: true });
    writeFileSync(join(ws, 'experiments', '001', 'model_000003.pt'), 'weights at step 3');
    symlinkSync(join(decoyDir, 'weights.pt'), join(ws, 'experiments', '001', 'model_000009.pt'));
    const r = await loop(ws, ['--runs', '1'], 60_000);
    expect(r.exitCode, r.all).toBe(1);
    const log = logOf(ws);
    const ends = log.filter((e) => e.type === 'CheckpointsIndexed' || e.type === 'RunFailed').map((e) => [e.type, (e.data as { attempt: number }).attempt]);
    expect(ends).toEqual([
      ['CheckpointsIndexed', 1],
      ['RunFailed', 1],
      ['CheckpointsIndexed', 2],
      ['RunFailed', 2],
    ]);
    const last = log.filter((e): e is EventOf<'CheckpointsIndexed'> => e.type === 'CheckpointsIndexed').at(-1)!.data;
    expect(last.checkpoints.map((c) => [c.path, c.name, c.step])).toEqual([['experiments/001/model_000003.pt', 'runs/001/checkpoints/001-s1-3.pt', 3]]);
    expect(readFileSync(join(ws, 'runs/001/checkpoints/001-s1-3.pt'), 'utf8')).toBe('weights at step 3');
    expect(last.skipped).toEqual([{ path: 'experiments/001/model_000009.pt', reason: 'symlink: not followed or opened' }]);
    const violations = log.filter((e): e is EventOf<'GuardrailViolation'> => e.type === 'GuardrailViolation' && e.data.source === 'trainer');
    expect(violations.map((v) => v.data.paths[0]!.path)).toEqual(['experiments/001/model_000009.pt', 'experiments/001/model_000009.pt']);
    expect(readFileSync(join(decoyDir, 'weights.pt'), 'utf8')).toBe('DECOY');
    expect(JSON.parse(readFileSync(join(ws, 'runs/001/checkpoints.json'), 'utf8')).attempt).toBe(2);
  });
});

describe('runs in flight together', () => {
  it('each index only its own folder', async () => {
    const ws = fakeTrainerWorkspace();
    patchSettings(ws, { checkpoints: { dir: 'experiments/{run}' } });
    for (const id of ['001', '002']) {
      mkdirSync(join(ws, 'experiments', id), { recursive: true });
      writeFileSync(join(ws, 'experiments', id, 'model_000005.pt'), `weights of ${id}`);
    }
    const r = await loop(ws, ['--runs', '2', '--parallel', '2'], 60_000);
    expect(r.exitCode, r.all).toBe(0);
    const indexed = logOf(ws).filter((e): e is EventOf<'CheckpointsIndexed'> => e.type === 'CheckpointsIndexed');
    expect(indexed.map((e) => [e.data.runId, e.data.checkpoints.map((c) => c.path)]).sort()).toEqual([
      ['001', ['experiments/001/model_000005.pt']],
      ['002', ['experiments/002/model_000005.pt']],
    ]);
    for (const e of indexed) expect(readFileSync(join(ws, e.data.checkpoints[0]!.name), 'utf8')).toBe(`weights of ${e.data.runId}`);
  });
});

describe('a checkpoint folder shared by runs', () => {
  it('is refused before anything is recorded when runs would be in flight together', async () => {
    const ws = fakeTrainerWorkspace();
    patchSettings(ws, { checkpoints: { dir: 'experiments' } });
    const r = await loop(ws, ['--runs', '2', '--parallel', '2'], 60_000);
    expect(r.exitCode, r.all).toBe(2);
    expect(r.all).toContain('checkpoints.dir experiments is shared by every run');
    expect(logOf(ws)).toEqual([]);
  });
});
