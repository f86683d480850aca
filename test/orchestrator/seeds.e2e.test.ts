/**
 * A trainer seeded by a top-level `--seed` (CleanRL style), deterministic for a given seed: with
 * `seeds.key` left at `train.seed` the loop refuses to start (its replicates would repeat their
 * parents); with `seeds.key: "seed"` a replicate gets a fresh seed and a result of its own; with
 * `seeds.key: null` (the trainer seeds itself) it runs, and the labbook says the replicate's seed was not set.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventsOfType, loop } from '../support/hostile.js';
import { fakeTrainerCalls, fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';

/** The shipped workspace on the fake trainer, its baselines' seed moved from train.seed to the top level. */
function topLevelSeedWorkspace(): string {
  const ws = fakeTrainerWorkspace();
  for (const mode of ['quick', 'full']) {
    const file = join(ws, 'configs', `baseline_${mode}.json`);
    const baseline = JSON.parse(readFileSync(file, 'utf8')) as { train: Record<string, unknown> } & Record<string, unknown>;
    delete baseline.train['seed'];
    writeFileSync(file, JSON.stringify({ ...baseline, seed: 1 }));
  }
  return ws;
}

/** The value of `--seed` in the argv run `runId` was started with (undefined: none). */
function seedOf(ws: string, runId: string): string | undefined {
  const argv = fakeTrainerCalls(ws).find((c) => c.env['PUFFER_AUTOPILOT_RUN_ID'] === runId)?.argv ?? [];
  const at = argv.indexOf('--seed');
  return at < 0 ? undefined : argv[at + 1];
}

/** The runs that repeat a config (the incumbent's re-runs and the candidate's replicates), with the run each repeats. */
const repeats = (ws: string) =>
  eventsOfType(ws, 'RunPlanned')
    .map((e) => e.data as { runId: string; kind: string; parent?: string })
    .filter((d) => d.kind === 'replicate')
    .map((d) => ({ runId: d.runId, parent: d.parent! }));

describe.concurrent('a trainer seeded by a top-level --seed', () => {
  it('is refused while seeds.key names no number of the baseline, naming the key to set; nothing is recorded', async () => {
    const ws = topLevelSeedWorkspace();
    const r = await loop(ws, ['--runs', '3']);
    expect(r.exitCode, r.all).toBe(2);
    expect(r.all).toContain('autopilot.json seeds.key: "train.seed" names no number in configs/baseline_quick.json');
    expect(r.all).toContain("would reuse the trainer's own seed");
    expect(r.all).toContain('seeds.key: "seed", the seed key of configs/baseline_quick.json');
    expect(eventsOfType(ws, 'LoopStarted')).toEqual([]);
  });

  it('gives the incumbent re-run and the replicate fresh seeds once seeds.key is "seed", and records them', async () => {
    const ws = topLevelSeedWorkspace();
    patchSettings(ws, { seeds: { key: 'seed' } });
    const r = await loop(ws, ['--runs', '4']);
    expect(r.exitCode, r.all).toBe(0);
    // Run 002 improved: 003 re-runs the incumbent 001, 004 replicates 002.
    expect(repeats(ws)).toEqual([
      { runId: '003', parent: '001' },
      { runId: '004', parent: '002' },
    ]);
    for (const { runId, parent } of repeats(ws)) {
      expect(seedOf(ws, parent)).toBeDefined();
      expect(seedOf(ws, runId)).toBeDefined();
      expect(seedOf(ws, runId)).not.toBe(seedOf(ws, parent));
      // RunStarted records the seed where seeds.key says, not at train.seed.
      expect(String(eventsOfType(ws, 'RunStarted').find((e) => e.data.runId === runId)?.data.seed)).toBe(seedOf(ws, runId));
      expect(eventsOfType(ws, 'JournalWritten').find((e) => e.data.runId === runId)?.data.action).not.toContain('seed not set');
    }
  });

  it("runs with seeds.key null (the trainer seeds itself), each repeat's labbook line saying its seed was not set", async () => {
    const ws = topLevelSeedWorkspace();
    patchSettings(ws, { seeds: { key: null } });
    const r = await loop(ws, ['--runs', '4']);
    expect(r.exitCode, r.all).toBe(0);
    expect(repeats(ws).map((x) => x.runId)).toEqual(['003', '004']);
    for (const { runId, parent } of repeats(ws)) {
      expect(seedOf(ws, runId)).toBe(seedOf(ws, parent));
      expect(eventsOfType(ws, 'RunStarted').find((e) => e.data.runId === runId)?.data.seed).toBeNull();
      expect(eventsOfType(ws, 'JournalWritten').find((e) => e.data.runId === runId)?.data.action).toMatch(
        new RegExp(`^run ${runId} \\((re-run of the incumbent|replicate of) ${parent}, seed not set\\)`),
      );
    }
  });
});
