import { describe, expect, it } from 'vitest';
import { episodeSample, noiseSeed, parseTrainerArgs, sampleMean } from '../../../bench/loop/trainer-core.js';
import { loopObjectives } from '../../../bench/objectives/multimodal.js';
import { renderArgs } from '../../../domain/trainer-io/render-args.js';

describe('when the loop suite trainer reads its command line', () => {
  it('parses the flags the loop renders back into the config, dashes to underscores', () => {
    for (const o of loopObjectives()) {
      const argv = ['--objective', o.name, ...renderArgs(o.baseline)];
      expect(parseTrainerArgs(argv)).toEqual({ objective: o.name, config: o.baseline });
    }
  });

  it('reads joined negative values, booleans and strings as the renderer wrote them', () => {
    const config = { train: { ent_coef: -1e-5, norm_adv: true, anneal_lr: false, learning_rate: 3e-4 }, model: { activation: 'relu' } };
    const argv = renderArgs(config);
    expect(argv).toContain('--train.ent-coef=-0.00001');
    expect(parseTrainerArgs(argv)).toEqual({ objective: null, config });
  });

  it('refuses a stray argument', () => {
    expect(() => parseTrainerArgs(['--train.seed', '1', 'extra'])).toThrow(/unexpected argument "extra"/);
  });
});

describe('when the loop suite trainer draws its episodes', () => {
  it('gives the same sample for the same bench seed, run id and train seed, and fresh noise otherwise', () => {
    const a = episodeSample(noiseSeed(3, '007', 7), -2, 1, 16);
    expect(a).toHaveLength(16);
    expect(episodeSample(noiseSeed(3, '007', 7), -2, 1, 16)).toEqual(a);
    expect(episodeSample(noiseSeed(3, '008', 7), -2, 1, 16)).not.toEqual(a);
    expect(episodeSample(noiseSeed(3, '007', 12345), -2, 1, 16)).not.toEqual(a);
    expect(episodeSample(noiseSeed(4, '007', 7), -2, 1, 16)).not.toEqual(a);
  });

  it('draws N(mean, sd²): the mean and spread of many draws match', () => {
    const xs = episodeSample(noiseSeed(0, '001', 1), -5, 2, 20_000);
    const mean = sampleMean(xs);
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
    expect(mean).toBeCloseTo(-5, 1);
    expect(sd).toBeGreaterThan(1.95);
    expect(sd).toBeLessThan(2.05);
    expect(xs.every(Number.isFinite)).toBe(true);
  });
});
