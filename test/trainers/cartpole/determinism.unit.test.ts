import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../../../trainers/cartpole/checkpoint.js';
import { checkpointFileName, CheckpointError, parseCheckpoint } from '../../../trainers/cartpole/checkpoint.js';
import type { TrainerConfig } from '../../../trainers/cartpole/config.js';
import { evaluate } from '../../../trainers/cartpole/evaluate.js';
import { parseFlags } from '../../../trainers/cartpole/flags.js';
import { architectureFor } from '../../../trainers/cartpole/policy.js';
import { Rng } from '../../../trainers/cartpole/rng.js';
import { buildSummary } from '../../../trainers/cartpole/summary.js';
import { createPolicy, train } from '../../../trainers/cartpole/train.js';

function tinyConfig(extra: string[] = []): TrainerConfig {
  const r = parseFlags([
    '--train.total-timesteps',
    '2048',
    '--train.batch-size',
    '512',
    '--train.minibatch-size',
    '128',
    '--env.num-envs',
    '4',
    '--train.hidden-size',
    '8',
    '--train.update-epochs',
    '2',
    '--train.checkpoint-interval',
    '2',
    ...extra,
  ]);
  if (r.kind !== 'ok') throw new Error(JSON.stringify(r));
  return r.config;
}

describe('when the same seed is trained twice', () => {
  it('produces identical weights, counters and evaluation', () => {
    const a = train(tinyConfig(['--train.seed', '7']), null);
    const b = train(tinyConfig(['--train.seed', '7']), null);
    expect(Array.from(a.policy.params)).toEqual(Array.from(b.policy.params));
    expect([a.epoch, a.agent_steps]).toEqual([4, 2048]);
    expect([b.epoch, b.agent_steps]).toEqual([4, 2048]);
    expect(evaluate(a.policy, 32, 7)).toEqual(evaluate(b.policy, 32, 7));
  });

  it('produces different weights for a different seed', () => {
    const a = train(tinyConfig(['--train.seed', '7']), null);
    const b = train(tinyConfig(['--train.seed', '8']), null);
    expect(Array.from(a.policy.params)).not.toEqual(Array.from(b.policy.params));
  });
});

describe('when a seeded generator is used', () => {
  it('repeats its sequence for the same seed and stream and differs across streams', () => {
    const seq = (seed: number, stream: number) => {
      const r = new Rng(seed, stream);
      return Array.from({ length: 5 }, () => r.next());
    };
    expect(seq(1, 2)).toEqual(seq(1, 2));
    expect(seq(1, 2)).not.toEqual(seq(1, 3));
    expect(seq(1, 2)).not.toEqual(seq(2, 2));
    for (const v of seq(123, 0)) expect(v >= 0 && v < 1).toBe(true);
  });
});

describe('when training emits checkpoints', () => {
  it('writes one every checkpoint_interval epochs and a final one', () => {
    const epochs: number[] = [];
    train(tinyConfig(['--train.total-timesteps', '2560', '--train.checkpoint-interval', '2']), null, { onCheckpoint: (c) => epochs.push(c.epoch) });
    expect(epochs).toEqual([2, 4, 5]);
    expect(checkpointFileName(5)).toBe('model_000005.json');
  });

  it('resumes deterministically from a JSON round-tripped checkpoint and stops at the same total', () => {
    const cfg = tinyConfig(['--train.seed', '3']);
    const saved: Checkpoint[] = [];
    const full = train(cfg, null, { onCheckpoint: (c) => saved.push(JSON.parse(JSON.stringify(c)) as Checkpoint) });
    const mid = saved.find((c) => c.epoch === 2)!;
    const probe = createPolicy(cfg);
    const sizes = { actor: probe.actorSize, critic: probe.params.length - probe.actorSize };
    const ckpt = parseCheckpoint(mid, probe.arch, sizes);
    const seen: number[] = [];
    const r1 = train(cfg, ckpt, { onEpoch: (e) => seen.push(e.epoch) });
    const r2 = train(cfg, ckpt, {});
    expect(seen).toEqual([3, 4]);
    expect([r1.epoch, r1.agent_steps]).toEqual([full.epoch, full.agent_steps]);
    expect(Array.from(r1.policy.params)).toEqual(Array.from(r2.policy.params));
    // the final checkpoint reloads bit for bit
    const last = saved.at(-1)!;
    expect(last.weights.actor.concat(last.weights.critic)).toEqual(Array.from(full.policy.params));
  });

  it('rejects a checkpoint of another architecture with a clear error', () => {
    const saved: Checkpoint[] = [];
    train(tinyConfig(), null, { onCheckpoint: (c) => saved.push(c) });
    const other = createPolicy(tinyConfig(['--train.hidden-size', '16']));
    expect(() => parseCheckpoint(saved[0], architectureFor(16), { actor: other.actorSize, critic: other.params.length - other.actorSize })).toThrow(CheckpointError);
    expect(() => parseCheckpoint(saved[0], architectureFor(16), { actor: 0, critic: 0 })).toThrow(/architecture mismatch.*hidden-size/);
    expect(() => parseCheckpoint({ format: 'x' }, architectureFor(8), { actor: 0, critic: 0 })).toThrow(/format/);
  });
});

describe('when the summary is built', () => {
  it('holds the per-episode samples and their mean', () => {
    const cfg = tinyConfig();
    const r = train(cfg, null);
    const ev = evaluate(r.policy, 32, cfg.train.seed);
    const s = buildSummary({
      timestamp: new Date(0),
      runId: '001',
      train: cfg.train,
      env: cfg.env,
      eval: cfg.eval,
      loadModelPath: null,
      evalResult: ev,
      sps: r.sps,
      agentSteps: r.agent_steps,
      epoch: r.epoch,
    });
    expect(s.samples.mean_reward).toHaveLength(32);
    const mean = s.samples.mean_reward.reduce((x, y) => x + y, 0) / 32;
    expect(s.metrics.mean_reward).toBeCloseTo(mean, 12);
    expect(s.metrics.success_rate).toBe(s.samples.episode_length.filter((l) => l >= 500).length / 32);
    expect(s.vec).toEqual({});
    expect(s.train.learning_rate).toBe(cfg.train.learning_rate);
    expect(s.timestamp).toBe('1970-01-01T00:00:00.000Z');
  });
});
