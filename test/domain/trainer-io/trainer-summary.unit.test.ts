import { describe, expect, it } from 'vitest';
import { parseTrainerSummary } from '../../../domain/trainer-io/trainer-summary.js';

const summary = (samples: Record<string, number[]>) => JSON.stringify({ metrics: { mean_reward: 1 }, samples });

describe('when a trainer summary has more samples than limits.max_samples', () => {
  it('refuses it, naming the metric, the count and the setting', () => {
    const r = parseTrainerSummary(summary({ mean_reward: [1, 2, 3], extra: Array.from({ length: 11 }, () => 0) }), { maxSamples: 10 });
    expect(r).toEqual({
      ok: false,
      refused: true,
      problem: 'samples.extra holds 11 values, more than limits.max_samples (10) in autopilot.json allows; report fewer evaluation values or raise the limit',
    });
  });

  it('accepts exactly the limit, and any number without one', () => {
    expect(parseTrainerSummary(summary({ mean_reward: Array.from({ length: 10 }, () => 1) }), { maxSamples: 10 }).ok).toBe(true);
    expect(parseTrainerSummary(summary({ mean_reward: Array.from({ length: 1000 }, () => 1) })).ok).toBe(true);
  });

  it('refuses before checking every value (a non-finite one among too many is not what is reported)', () => {
    const text = `{"metrics":{"m":1},"samples":{"m":[${Array.from({ length: 20 }, () => '1').join(',')},"x"]}}`;
    const r = parseTrainerSummary(text, { maxSamples: 5 });
    expect(r.ok === false && r.problem).toMatch(/^samples\.m holds 21 values/);
  });

  it('reports other problems as before, not as refused', () => {
    const r = parseTrainerSummary('{"metrics":{"m":"x"}}', { maxSamples: 5 });
    expect(r.ok).toBe(false);
    expect('refused' in r).toBe(false);
  });
});

describe("when a summary holds null metrics (PufferLib's native writer: None for a metric its logs lack)", () => {
  it('reads it with those metrics missing, the others kept', () => {
    const text = JSON.stringify({
      timestamp: '2025-09-21T05:46:45Z',
      run_id: null,
      train: { seed: 42, learning_rate: null },
      metrics: { success_rate: null, mean_reward: 412.5, episode_length: null, sps: 1.2e6 },
    });
    const r = parseTrainerSummary(text);
    if (!r.ok) throw new Error(r.problem);
    expect(r.summary.metrics).toEqual({ mean_reward: 412.5, sps: 1.2e6 });
    expect(r.summary.run_id).toBeUndefined();
  });

  it('still refuses a metric that is neither a number nor null', () => {
    const r = parseTrainerSummary('{"metrics":{"m":"NaN","n":null}}');
    expect(r.ok).toBe(false);
  });
});
