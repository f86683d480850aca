/**
 * The TPE with runs in flight (issue 18 b): the patience counts stale proposals in rounds of
 * concurrent ones, runs in flight weigh TPE_DEFAULTS.pendingWeight in g, and with nothing in flight
 * every proposal is what it was before either existed (bench:proposers' sequential claims rest on it).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Scalar } from '../../../domain/config/config.js';
import { parsePolicy } from '../../../domain/policy/policy.js';
import { proposeRandom } from '../../../domain/proposers/random.js';
import { proposeTpe, TPE_DEFAULTS, type Observation, type TpeOptions } from '../../../domain/proposers/tpe.js';
import { staleRounds, stepKind } from '../../../domain/proposers/tpe/explore.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const shipped = parsePolicy(JSON.parse(readFileSync(join(ROOT, 'autopilot/policy.json'), 'utf8')));
const maximize = (seed: number, extra: Partial<TpeOptions> = {}): TpeOptions => ({ seed, direction: 'maximize', ...extra });
const lrScore = (o: Record<string, Scalar>) => -Math.abs(Math.log10(o['train.learning_rate'] as number) + 2.5);

/** `n` random-search runs; run `best` scores 10, the others -i (so `n - best - 1` stale runs follow the best). */
function stalledHistory(n: number, best: number): Observation[] {
  return Array.from({ length: n }, (_, i) => ({
    runId: String(i + 1).padStart(3, '0'),
    overrides: proposeRandom(shipped, 1_000 + i).overrides as Record<string, Scalar>,
    value: i === best ? 10 : -i,
  }));
}

const inFlight = (n: number) => Array.from({ length: n }, (_, i) => proposeRandom(shipped, 7_000 + i).overrides as Record<string, Scalar>);

/** FNV-1a of a string: a short fingerprint of a whole proposal sequence. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

describe('TPE with runs in flight', () => {
  it('counts stale proposals in rounds of the runs in flight plus this one, and as themselves with none in flight', () => {
    expect([0, 1, 5, 7].map((stale) => staleRounds(stale, 0))).toEqual([0, 1, 5, 7]);
    // 4 concurrent proposals (3 in flight): 19 stale runs are 4 rounds, 20 are 5.
    expect([3, 4, 19, 20].map((stale) => staleRounds(stale, 3))).toEqual([0, 1, 4, 5]);
    // Stalled sequentially after 5 stale proposals; with 3 in flight only after 20 stale runs.
    const schedule = { broadSteps: 5, patience: 5, jumpEvery: 3 };
    expect(stepKind(12, staleRounds(6, 0), schedule)).toBe('jump');
    expect(stepKind(12, staleRounds(6, 3), schedule)).toBe('exploit');
    expect(stepKind(12, staleRounds(20, 3), schedule)).toBe('jump');
  });

  it('keeps exploiting while the stale runs make fewer than patience rounds, and says so', () => {
    // Run 6 is the best and 6 worse runs follow: stalled sequentially, 1 round of 4 with 3 in flight.
    const history = stalledHistory(12, 5);
    expect(proposeTpe(shipped, history, maximize(4))[0]?.rationale).toMatch(/6 model proposals since the best run, patience 5[;)]/);
    expect(proposeTpe(shipped, history, maximize(4, { pending: inFlight(3) }))[0]?.rationale).toMatch(
      /an exploit step \(6 finished runs since the best run = 1 round of 4 concurrent proposals \(3 in flight\); stalled after 5 rounds\)/,
    );
  });

  it('stalls with runs in flight once the stale runs make patience rounds', () => {
    // 24 worse runs after the best: 6 rounds of 4.
    const [pick] = proposeTpe(shipped, stalledHistory(30, 5), maximize(4, { pending: inFlight(3) }));
    expect(pick?.rationale).toMatch(/a (broad|jump) step \(24 finished runs since the best run = 6 rounds of 4 concurrent proposals \(3 in flight\), patience 5 rounds/);
  });

  it('weighs a run in flight 0.3 of a finished run in g by default', () => {
    expect(TPE_DEFAULTS.pendingWeight).toBe(0.3);
    const history = stalledHistory(12, 5);
    expect(proposeTpe(shipped, history, maximize(4, { pending: inFlight(3) }))[0]?.rationale).toContain('3 pending counted as bad (pending at weight 0.3)');
  });

  it('makes the same sequential proposals as before runs in flight changed the schedule (k = 1 identity)', () => {
    // 30 sequential proposals through random start, broad, exploit and stalled steps; the fingerprint was taken before issue 18 b's change.
    const history: Observation[] = [];
    const picks: string[] = [];
    for (let i = 0; i < 30; i++) {
      const [pick] = proposeTpe(shipped, history, maximize(7_919 + i));
      if (pick === undefined) throw new Error('no proposal');
      picks.push(JSON.stringify([pick.overrides, pick.rationale]));
      history.push({ runId: String(i + 1).padStart(3, '0'), overrides: pick.overrides, value: i % 7 === 3 ? null : lrScore(pick.overrides) });
    }
    expect(picks.filter((p) => p.includes('a jump step')).length).toBeGreaterThan(0);
    expect(fnv1a(picks.join('\n'))).toBe('1ab04853');
  });
});
