/**
 * The follower's progress cadence on a fake clock: a log that gains a metric line every 50 ms for
 * 11 s (about 220 lines) is reported as progress at most once per 5 s, as the loop records RunProgress.
 * test/orchestrator/progress-events.int.test.ts checks the same cadence end to end, over a shorter run.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { followLog } from '../../../adapters/launcher/follow.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'follow-'));
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

describe('when a followed log gains metric lines many times a second', () => {
  it('reports progress at most once per 5 s, leading and trailing, and the last line on close', () => {
    const log = join(dir, 'train.log');
    writeFileSync(log, '');
    const follower = followLog(dir, log);
    const reports: { at: number; step: number }[] = [];
    follower.listen({ progressEveryMs: 5000, onProgress: (m) => reports.push({ at: Date.now(), step: m['agent_steps']! }) });
    let step = 0;
    for (let t = 0; t < 11_000; t += 50) {
      step += 1;
      appendFileSync(log, `${JSON.stringify({ agent_steps: step, mean_reward: step })}\n`);
      follower.drain();
      vi.advanceTimersByTime(50);
    }
    const { lastMetrics } = follower.close();
    expect(step).toBe(220);
    expect(lastMetrics).toEqual({ agent_steps: 220, mean_reward: 220 });
    expect(reports.length).toBeGreaterThanOrEqual(3);
    expect(reports.length).toBeLessThanOrEqual(5);
    // While lines arrive, reports are at least the window apart; closing passes on the last line at once.
    const during = reports.slice(0, -1);
    for (let i = 1; i < during.length; i++) expect(during[i]!.at - during[i - 1]!.at).toBeGreaterThanOrEqual(4900);
    expect(reports.at(-1)).toEqual({ at: 1_000_000 + 11_000, step: 220 });
    // The first line is reported at once; each later report carries the newest line of its window.
    expect(reports[0]).toEqual({ at: 1_000_000, step: 1 });
    expect(reports.every((r, i) => i === 0 || r.step > reports[i - 1]!.step)).toBe(true);
  });
});
