import { mkdirSync, mkdtempSync, writeFileSync, appendFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changedOutputs, fingerprintOutputs } from '../../../adapters/actors/run-outputs.js';

function runFolder() {
  const root = mkdtempSync(join(tmpdir(), 'outputs-'));
  mkdirSync(join(root, 'runs/001/checkpoints'), { recursive: true });
  writeFileSync(join(root, 'runs/001/trainer_summary.json'), '{"metrics": {"mean_reward": 10}}');
  writeFileSync(join(root, 'runs/001/checkpoints/a.pt'), 'weights');
  const bytes = Buffer.from('{"metrics": {"mean_reward": 10}}');
  const outputs = fingerprintOutputs(root, { rel: 'runs/001/trainer_summary.json', bytes }, ['runs/001/checkpoints/a.pt']);
  return { root, outputs };
}

describe('the outputs a run left', () => {
  it('are unchanged when nothing touched them', () => {
    const { root, outputs } = runFolder();
    expect(outputs.map((o) => o.path)).toEqual(['runs/001/trainer_summary.json', 'runs/001/checkpoints/a.pt']);
    expect(changedOutputs(root, outputs, 1 << 20)).toEqual([]);
  });

  it('name the summary and the checkpoint something changed after they were read', () => {
    const { root, outputs } = runFolder();
    writeFileSync(join(root, 'runs/001/trainer_summary.json'), '{"metrics": {"mean_reward": 99999}}');
    appendFileSync(join(root, 'runs/001/checkpoints/a.pt'), 'x');
    expect(changedOutputs(root, outputs, 1 << 20).map((o) => o.path)).toEqual(['runs/001/trainer_summary.json', 'runs/001/checkpoints/a.pt']);
  });

  it('count a summary swapped for a link as changed, without following it', () => {
    const { root, outputs } = runFolder();
    rmSync(join(root, 'runs/001/trainer_summary.json'));
    const decoy = join(mkdtempSync(join(tmpdir(), 'decoy-')), 'summary.json');
    writeFileSync(decoy, '{"metrics": {"mean_reward": 10}}');
    symlinkSync(decoy, join(root, 'runs/001/trainer_summary.json'));
    expect(changedOutputs(root, outputs, 1 << 20).map((o) => o.path)).toEqual(['runs/001/trainer_summary.json']);
  });
});
