import { describe, expect, it } from 'vitest';
import { decideSeed, planLaunch } from '../../../domain/run/launch-plan.js';

const base = { train: { learning_rate: 0.001, seed: 5 } };
const args = (over: Partial<Parameters<typeof planLaunch>[0]> = {}) => ({
  base,
  config: base,
  override: {},
  kind: 'proposal' as const,
  runIndex: 4,
  runId: '004',
  seeds: { key: 'train.seed', policy: 'increment' as const },
  checkpoints: {
    latest: 'runs/003/checkpoints/model_000040.json',
    best: 'runs/002/checkpoints/model_000040.json',
    known: ['runs/001/checkpoints/model_000010.json', 'runs/002/checkpoints/model_000040.json', 'runs/003/checkpoints/model_000040.json'],
  },
  resolvePath: (p: string) => `/ws/${p}`,
  ...over,
});

describe('when the proposer leaves the seed alone', () => {
  it('decides it by the seed policy and records the normalization', () => {
    const plan = planLaunch(args());
    expect(plan.ok && plan.config).toMatchObject({ train: { seed: 8 } });
    expect(plan.ok && plan.normalizations).toEqual([{ key: 'train.seed', before: 5, after: 8, rule: 'seed_policy:increment' }]);
    expect(plan.ok && plan.diff).toEqual([{ key: 'train.seed', from: 5, to: 8 }]);
  });

  it('gives replicate-like runs distinct seeds under increment and random, and one seed under fixed', () => {
    const seeds = (policy: 'fixed' | 'increment' | 'random') => [2, 3, 4, 5].map((i) => decideSeed(policy, 1, i, String(i).padStart(3, '0')));
    expect(new Set(seeds('increment')).size).toBe(4);
    expect(new Set(seeds('random')).size).toBe(4);
    expect(new Set(seeds('fixed'))).toEqual(new Set([1]));
    expect(seeds('random')).toEqual(seeds('random'));
  });

  it('keeps the baseline and a proposer-chosen seed unchanged', () => {
    expect(planLaunch(args({ kind: 'baseline' }))).toMatchObject({ ok: true, normalizations: [] });
    expect(planLaunch(args({ override: { 'train.seed': 5 } }))).toMatchObject({ ok: true, normalizations: [] });
  });
});

describe('when the run is a replicate', () => {
  it('gets a fresh seed of its own, even under the fixed policy or a seed its parent chose', () => {
    for (const over of [{}, { seeds: { key: 'train.seed', policy: 'fixed' as const } }, { override: { 'train.seed': 5 } }]) {
      const plan = planLaunch(args({ kind: 'replicate', runId: '006', runIndex: 6, ...over }));
      expect(plan.ok && plan.normalizations).toEqual([{ key: 'train.seed', before: 5, after: decideSeed('random', 5, 6, '006'), rule: 'replicate:fresh_seed' }]);
    }
    const a = planLaunch(args({ kind: 'replicate', runId: '006' }));
    const b = planLaunch(args({ kind: 'replicate', runId: '007' }));
    expect(a.ok && b.ok && a.config).not.toEqual(b.ok && b.config);
  });
});

describe('when seeds.key names no number, or is null', () => {
  it('sets no seed, for a replicate or a proposal, and records no normalization', () => {
    for (const seeds of [
      { key: 'seed', policy: 'increment' as const },
      { key: null, policy: 'increment' as const },
    ])
      for (const kind of ['replicate', 'proposal'] as const) expect(planLaunch(args({ kind, seeds }))).toMatchObject({ ok: true, config: base, normalizations: [] });
  });
});

describe('when a run continues from a checkpoint', () => {
  const continuing = (from?: string) => ({ ...base, autopilot: { resume_mode: 'continue', ...(from ? { resume_from: from } : {}) } });

  it('injects the latest checkpoint as load_model_path by default', () => {
    const plan = planLaunch(args({ config: continuing(), kind: 'baseline' }));
    expect(plan.ok && plan.config.load_model_path).toBe('/ws/runs/003/checkpoints/model_000040.json');
    expect(plan.ok && plan.normalizations.at(-1)).toMatchObject({ key: 'load_model_path', rule: 'resume_from:latest' });
  });

  it('injects the best checkpoint, or a given path', () => {
    expect(planLaunch(args({ config: continuing('best'), kind: 'baseline' }))).toMatchObject({
      ok: true,
      config: { load_model_path: '/ws/runs/002/checkpoints/model_000040.json' },
    });
    expect(planLaunch(args({ config: continuing('runs/001/checkpoints/model_000010.json'), kind: 'baseline' }))).toMatchObject({
      ok: true,
      config: { load_model_path: '/ws/runs/001/checkpoints/model_000010.json' },
    });
  });

  it('rejects naming autopilot.resume_from when there is no checkpoint yet', () => {
    const plan = planLaunch(args({ config: continuing('best'), checkpoints: { latest: null, best: null, known: [] } }));
    expect(plan.ok).toBe(false);
    expect(!plan.ok && plan.errors[0]).toMatchObject({ key: 'autopilot.resume_from', rule: 'resume' });
  });

  it('rejects a path that is no checkpoint the log knows, listing what is allowed, whether or not the run continues', () => {
    for (const from of ['logs/001.log', 'configs/baseline_quick.json', 'runs/003/checkpoints/model_999999.json']) {
      for (const mode of ['continue', 'fresh']) {
        const plan = planLaunch(args({ config: { ...base, autopilot: { resume_mode: mode, resume_from: from } }, override: { 'autopilot.resume_from': from } }));
        expect(plan.ok, `${mode} ${from}`).toBe(false);
        const error = !plan.ok ? plan.errors[0] : undefined;
        expect(error).toMatchObject({ key: 'autopilot.resume_from', value: from, rule: 'resume' });
        expect(error?.message).toContain('is not a checkpoint the log knows');
        expect(error?.expected).toContain('latest or best');
        expect(error?.expected).toContain('runs/001/checkpoints/model_000010.json');
      }
    }
  });

  it('says no run has recorded a checkpoint when the log knows none', () => {
    const plan = planLaunch(
      args({
        config: continuing('runs/001/checkpoints/model_000010.json'),
        override: { 'autopilot.resume_from': 'runs/001/checkpoints/model_000010.json' },
        checkpoints: { latest: null, best: null, known: [] },
      }),
    );
    expect(!plan.ok && plan.errors[0]?.expected).toMatch(/no run has recorded a checkpoint yet/);
  });

  it('rejects a continue run whose base names a checkpoint the log no longer knows (pruned)', () => {
    const plan = planLaunch(args({ config: continuing('runs/000/checkpoints/gone.json'), kind: 'baseline' }));
    expect(!plan.ok && plan.errors[0]).toMatchObject({ key: 'autopilot.resume_from', rule: 'resume' });
  });

  it('injects nothing for a fresh run', () => {
    const plan = planLaunch(args({ config: { ...base, autopilot: { resume_mode: 'fresh' } }, kind: 'baseline' }));
    expect(plan.ok && 'load_model_path' in plan.config).toBe(false);
  });
});
