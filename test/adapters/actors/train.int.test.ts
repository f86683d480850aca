/** The train actor with a real loop, real trainer processes and a real log: what it records beyond RunFinished/RunFailed. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventsOfType, loop } from '../../support/hostile.js';
import { fakeTrainerWorkspace, patchSettings } from '../../support/workspace.js';

/** Resolves with the first RunStarted of `ws`'s log. */
async function firstStart(ws: string, ms: number) {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
    const started = eventsOfType(ws, 'RunStarted')[0];
    if (started) return started;
  }
  throw new Error('no RunStarted');
}

describe('when the supervisor of a trainer is killed from outside (subreaper: nothing recorded that the tree is gone)', () => {
  it('records a trainer violation on the run folder saying its processes were not contained, and runs the next attempt as usual', async () => {
    const ws = fakeTrainerWorkspace();
    const go = join(ws, '..', 'go');
    patchSettings(ws, { containment: 'subreaper', trainer: { env: { FAKE_TRAINER_BEHAVIOUR: `wait:${go}` } } });
    const running = loop(ws, ['--runs', '1'], 120_000);
    const started = await firstStart(ws, 60_000);
    expect(started.data.containment?.mode).toBe('subreaper');
    process.kill(started.data.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    writeFileSync(go, '');
    const r = await running;
    expect(r.exitCode, r.all).toBe(0);
    expect(eventsOfType(ws, 'RunFailed').map((e) => [e.data.attempt, e.data.reason])).toEqual([[1, 'killed']]);
    const loose = eventsOfType(ws, 'GuardrailViolation');
    expect(loose.map((e) => e.data)).toEqual([
      expect.objectContaining({ runId: '001', attempt: 1, source: 'trainer', action: 'detected', paths: [expect.objectContaining({ path: 'runs/001', note: expect.stringMatching(/^processes not contained \(subreaper\)/) })] }),
    ]);
    expect(r.all).toMatch(/run 001: GUARDRAIL the trainer changed runs\/001 \(directory\); detected/);
  }, 150_000);
});

describe('when a trainer run ends normally', () => {
  it('records no violation: the run folder is as it was when its result was read', async () => {
    const ws = fakeTrainerWorkspace();
    const r = await loop(ws, ['--runs', '2'], 120_000);
    expect(r.exitCode, r.all).toBe(0);
    expect(eventsOfType(ws, 'RunFinished')).toHaveLength(2);
    expect(eventsOfType(ws, 'GuardrailViolation')).toEqual([]);
  }, 150_000);
});
