import { describe, expect, it } from 'vitest';
import { meanAndSd, minimalDetectableDifference } from '../../../domain/stats/power.js';

// z(0.975) and z(0.80), z(0.95): the textbook values.
const Z975 = 1.959964;
const Z80 = 0.841621;
const Z95 = 1.644854;

describe('the minimal detectable difference', () => {
  it('is (z(1-alpha/2) + z(power)) * sd * sqrt(2/n) two-sided', () => {
    expect(minimalDetectableDifference(1, 32, 0.05)).toBeCloseTo((Z975 + Z80) * Math.sqrt(2 / 32), 5);
    // 0.70 sd at n = 32: where the suite measures the bootstrap's power at about 81% (README).
    expect(minimalDetectableDifference(1, 32, 0.05)).toBeCloseTo(0.7004, 3);
    expect(minimalDetectableDifference(15, 8, 0.01)).toBeCloseTo((2.575829 + Z80) * 15 * Math.sqrt(2 / 8), 4);
  });

  it('spends alpha on one bound when the statistics are one-sided', () => {
    expect(minimalDetectableDifference(2, 16, 0.05, 'one-sided')).toBeCloseTo((Z95 + Z80) * 2 * Math.sqrt(2 / 16), 5);
  });

  it('is NaN below 2 values', () => {
    expect(minimalDetectableDifference(1, 1, 0.05)).toBeNaN();
    expect(minimalDetectableDifference(Number.NaN, 10, 0.05)).toBeNaN();
  });
});

describe('mean and spread', () => {
  it('uses the n - 1 standard deviation', () => {
    expect(meanAndSd([1, 2, 3, 4])).toEqual({ mean: 2.5, sd: Math.sqrt(5 / 3) });
    expect(meanAndSd([7]).sd).toBeNaN();
  });
});
