import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';

describe('when a trainer prints metric lines many times a second', () => {
  it('records them as RunProgress at most once per 5 s per run, and the last line when the run ends', async () => {
    const ws = fakeTrainerWorkspace({ FAKE_TRAINER_BEHAVIOUR: 'tick:50' });
    // The wall clock ends the ever-ticking trainer after 7 s: about 140 metric lines, one 5 s window and
    // part of the next (test/adapters/launcher/follow.int.test.ts follows 11 s of lines on a fake clock).
    patchSettings(ws, { timeouts: { quick: { wall_seconds: 7, no_output_seconds: 5, grace_seconds: 1 } }, retries: { max_attempts: 1 } });
    await execa('node', [CLI, 'loop', '--runs', '1', '--workspace', ws], { reject: false });
    const progress = (await execa('node', [CLI, 'events', '--json', '--type', 'RunProgress', '--workspace', ws])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { at: string; data: { metrics: Record<string, number> } });
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.length).toBeLessThanOrEqual(4);
    // While the run trains, reports are at least the window apart; the one when it ends may come sooner.
    const times = progress.slice(0, -1).map((p) => Date.parse(p.at));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(4900);
    // The last report carries the last metric line the trainer printed, not one of up to 5 s before.
    const steps = readFileSync(join(ws, 'logs', '001.log'), 'utf8')
      .split('\n')
      .flatMap((l) => (l.startsWith('{"agent_steps"') && l.endsWith('}') ? [(JSON.parse(l) as { agent_steps: number }).agent_steps] : []));
    expect(progress.at(-1)!.data.metrics['agent_steps']).toBe(steps.at(-1));
    expect(steps.at(-1)! - progress.at(-2)!.data.metrics['agent_steps']!).toBeGreaterThan(5);
  });
});
