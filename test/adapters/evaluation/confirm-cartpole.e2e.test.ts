/**
 * `evaluation.confirm_promotion` with the built-in CartPole trainer: a baseline that barely learns
 * (learning rate 1e-4) and a proposal that does (3e-3); the proposal's last checkpoint is evaluated
 * against the baseline's on held-out seeds, by real evaluator processes, before it is promoted.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AutopilotEvent } from '../../../events/catalogue.js';
import { inRange } from '../../../domain/evaluation/held-out-seeds.js';
import { logOf } from '../../support/hostile.js';
import { CLI, ROOT, copyShippedWorkspace, patchSettings } from '../../support/workspace.js';

const AGENT = join(ROOT, 'test', 'fixtures', 'hostile-agent.mjs');
let log: AutopilotEvent[];

beforeAll(async () => {
  const ws = copyShippedWorkspace('autopilot-confirm-');
  const path = join(ws, 'configs', 'baseline_quick.json');
  const config = JSON.parse(readFileSync(path, 'utf8')) as { train: Record<string, unknown> };
  // Short runs that learn within a few epochs at the proposal's learning rate, saving a checkpoint every 4.
  Object.assign(config.train, { total_timesteps: 16384, batch_size: 512, minibatch_size: 128, checkpoint_interval: 4, update_epochs: 4, ent_coef: 0, gamma: 0.98, gae_lambda: 0.9 });
  writeFileSync(path, JSON.stringify(config, null, 2));
  patchSettings(ws, {
    proposer: { kind: 'command', command: { argv: [process.execPath, AGENT] } },
    statistics: { replicates: 0 },
    evaluation: { confirm_promotion: true, episodes: 40 },
  });
  const r = await execa('node', [CLI, 'loop', '--runs', '2', '--workspace', ws], { reject: false, all: true });
  expect(r.exitCode, r.all).toBe(0);
  log = logOf(ws);
}, 60_000);

describe('when a built-in trainer run beats the baseline in training and on held-out seeds', () => {
  it('records the confirmation before IncumbentChanged, and promotes it', () => {
    const seq = log.map((e) => e.type).filter((t) => /^(Evaluation|IncumbentChanged|JournalWritten)/.test(t));
    expect(seq).toEqual(['IncumbentChanged', 'JournalWritten', 'EvaluationPlanned', 'EvaluationFinished', 'IncumbentChanged', 'JournalWritten']);
    const planned = log.find((e): e is Extract<AutopilotEvent, { type: 'EvaluationPlanned' }> => e.type === 'EvaluationPlanned')!;
    expect(planned.data).toMatchObject({ by: 'promotion', runId: '002', seeds: { count: 40 } });
    expect(planned.data.targets.map((t) => t.checkpoint)).toEqual(['runs/002/checkpoints/model_000032.json', 'runs/001/checkpoints/model_000032.json']);
    for (const e of log) if (e.type === 'RunStarted') expect(inRange(planned.data.seeds, e.data.seed!)).toBe(false);
    const finished = log.find((e): e is Extract<AutopilotEvent, { type: 'EvaluationFinished' }> => e.type === 'EvaluationFinished')!;
    expect(finished.data.paired).toMatchObject({ verdict: 'improved', n: 40 });
    expect(finished.data.paired!.interval![0]).toBeGreaterThan(0);
    const promoted = log.filter((e): e is Extract<AutopilotEvent, { type: 'IncumbentChanged' }> => e.type === 'IncumbentChanged');
    expect(promoted.map((e) => e.data.runId)).toEqual(['001', '002']);
  });
});
