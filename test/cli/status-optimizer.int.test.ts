import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';

const AGENT = join(ROOT, 'test', 'fixtures', 'hostile-agent.mjs');
const status = (ws: string, json = false) => execa('node', [CLI, 'status', '--optimizer', ...(json ? ['--json'] : []), '--workspace', ws], { reject: false });

describe('autopilot status --optimizer', () => {
  it('shows a key every proposal set to the same value as frozen, and a searched key as spread', async () => {
    const frozen = fakeTrainerWorkspace();
    // This agent proposes learning rate 0.003 every time; replication off, so every run is a proposal.
    patchSettings(frozen, { proposer: { kind: 'command', command: { argv: [process.execPath, AGENT] } }, statistics: { replicates: 0 } });
    const searched = fakeTrainerWorkspace();
    // A fixed proposer seed: the random search's draws, and so this test, are the same on every machine.
    patchSettings(searched, { proposer: { kind: 'random', seed: 7 }, statistics: { replicates: 0 } });
    for (const ws of [frozen, searched]) {
      const r = await execa('node', [CLI, 'loop', '--runs', '5', '--workspace', ws], { reject: false, all: true });
      expect(r.exitCode, r.all).toBe(0);
    }
    const f = JSON.parse((await status(frozen, true)).stdout);
    expect(f.runs).toEqual(['002', '003', '004', '005']);
    const lr = (d: { keys: { key: string }[] }) => d.keys.find((k) => k.key === 'train.learning_rate') as unknown as { distinct: number; spread: number; min: number; max: number };
    expect(lr(f)).toMatchObject({ distinct: 1, spread: 0, min: 0.003, max: 0.003 });
    expect((await status(frozen)).stdout).toMatch(/train\.learning_rate\s+1 distinct in \[0\.003, 0\.003\]; median gap to the nearest other 0% of the range — frozen/);
    const s = JSON.parse((await status(searched, true)).stdout);
    expect(lr(s).distinct).toBe(4);
    expect(lr(s).spread).toBeGreaterThan(0);
    expect((await status(searched)).stdout).not.toMatch(/frozen/);
    // Five scored configs: the model's kernels are shown per key, never below the floor they keep.
    const kernels = s.kernels as Array<{ key: string; kind: string; min: number; median: number; floor: number | null }>;
    expect(kernels.map((k) => k.key)).toContain('train.learning_rate');
    for (const k of kernels) {
      expect(k.median, k.key).toBeGreaterThanOrEqual(k.min);
      if (k.kind === 'numeric') expect(k.min, k.key).toBeGreaterThanOrEqual(k.floor as number);
    }
    expect((await status(searched)).stdout).toMatch(/train\.learning_rate\s+.*; kernel width [\d.]+% of the range \(median, narrowest [\d.]+%, floor [\d.]+%\)/);
    // The four proposals ran one config: pooled, they are one observation, so the model has two configs, not five.
    expect(f.kernels).toBeNull();
    expect((await status(frozen)).stdout).toMatch(/model: not fitted yet \(fewer than 5 scored configs\)/);
  });

  it('says nothing was proposed in a workspace without a history', async () => {
    const r = await status(fakeTrainerWorkspace());
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^optimizer: the last 0 proposal run\(s\), per policy key/);
    expect(r.stdout).toMatch(/train\.learning_rate\s+not proposed yet/);
  });
});
