import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';

describe('when a trainer prints metric lines many times a second', () => {
  it('records them as RunProgress at most once per 5 s per run', async () => {
    const ws = fakeTrainerWorkspace({ FAKE_TRAINER_BEHAVIOUR: 'tick:50' });
    // The wall clock ends the ever-ticking trainer after 7 s: about 140 metric lines, one 5 s window and
    // part of the next (test/adapters/launcher/follow.int.test.ts follows 11 s of lines on a fake clock).
    patchSettings(ws, { timeouts: { quick: { wall_seconds: 7, no_output_seconds: 5, grace_seconds: 1 } }, retries: { max_attempts: 1 } });
    await execa('node', [CLI, 'loop', '--runs', '1', '--workspace', ws], { reject: false });
    const progress = (await execa('node', [CLI, 'events', '--json', '--type', 'RunProgress', '--workspace', ws])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { at: string });
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeLessThanOrEqual(3);
    const times = progress.map((p) => Date.parse(p.at));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(4900);
  });
});
