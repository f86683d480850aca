import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, fakeTrainerWorkspace } from '../support/workspace.js';

interface Logged {
  type: string;
  data: Record<string, unknown> & { runId?: string };
}

const ITERATIONS = 30;
const ALPHA = 0.05;

describe('when the trainer is pure noise (its score ignores the config) for 30 iterations', () => {
  let ws: string;
  let log: Logged[];
  beforeAll(async () => {
    ws = fakeTrainerWorkspace({ FAKE_TRAINER_BEHAVIOUR: 'noise' });
    const r = await execa('node', [CLI, 'loop', '--runs', String(ITERATIONS), '--workspace', ws], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    log = (await execa('node', [CLI, 'events', '--json', '--workspace', ws])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Logged);
  }, 300_000);

  it('ran every iteration and judged every one', () => {
    expect(log.filter((e) => e.type === 'JournalWritten')).toHaveLength(ITERATIONS);
    expect(log.filter((e) => e.type === 'RunEvaluated')).toHaveLength(ITERATIONS);
  });

  it('moves the incumbent no more often than the A/A false-improvement rate allows', () => {
    // Every candidate after the baseline is compared with an incumbent it cannot truly beat.
    const moves = log.filter((e) => e.type === 'IncumbentChanged').length - 1;
    expect(moves).toBeLessThanOrEqual(Math.ceil((ALPHA + 0.01) * (ITERATIONS - 1)));
  });

  it('writes inconclusive (or regressed) verdicts with their intervals in the labbook', () => {
    const lines = readFileSync(join(ws, 'journal/labbook.md'), 'utf8')
      .split('\n')
      .filter((l) => /\| run \d{3} \(/.test(l));
    expect(lines).toHaveLength(ITERATIONS);
    const verdicts = lines.map((l) => /\| (baseline|improved|regressed|inconclusive)[: ]/.exec(l)?.[1]);
    expect(verdicts[0]).toBe('baseline');
    expect(verdicts.slice(1).every((v) => v !== undefined)).toBe(true);
    const quiet = verdicts.filter((v) => v === 'inconclusive' || v === 'regressed').length;
    expect(quiet).toBeGreaterThanOrEqual(Math.floor((ITERATIONS - 1) * (1 - ALPHA - 0.01)) - 2);
    expect(lines.filter((l) => l.includes('| inconclusive: ')).every((l) => /inconclusive: [+-][\d.]+ \[-?[\d.]+, -?[\d.]+\] vs \d{3} \(n=\d+\/\d+\)/.test(l))).toBe(true);
  });

  it('reproduces every verdict bit for bit from the log alone', async () => {
    const v = await execa('node', [CLI, 'verify', '--verdicts', '--json', '--workspace', ws], { reject: false });
    expect(v.exitCode, v.stdout).toBe(0);
    expect(JSON.parse(v.stdout).verdicts).toMatchObject({ checked: ITERATIONS, skipped: 0, mismatches: [] });
  });
});
