/** The train actor with a real loop, real trainer processes and a real log: what it records beyond RunFinished/RunFailed. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processAlive } from '../../../adapters/launcher/process-group.js';
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
    process.kill(started.data.pid!, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    writeFileSync(go, '');
    const r = await running;
    expect(r.exitCode, r.all).toBe(0);
    expect(eventsOfType(ws, 'RunFailed').map((e) => [e.data.attempt, e.data.reason])).toEqual([[1, 'killed']]);
    const loose = eventsOfType(ws, 'GuardrailViolation');
    expect(loose.map((e) => e.data)).toEqual([
      expect.objectContaining({
        runId: '001',
        attempt: 1,
        source: 'trainer',
        action: 'detected',
        paths: [expect.objectContaining({ path: 'runs/001', note: expect.stringMatching(/^processes not contained \(subreaper\)/) })],
      }),
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

describe('when a trainer leaves a writer that outlives it (process-group containment: a setsid writer escapes)', () => {
  it('names what it changed in the run folder after the result was read, and keeps the recorded result', async () => {
    const ws = fakeTrainerWorkspace();
    const pids = join(ws, '..', 'pids.jsonl');
    patchSettings(ws, { containment: 'process-group', trainer: { env: { FAKE_TRAINER_BEHAVIOUR: 'late-writer:3000', FAKE_TRAINER_PIDS: pids } } });
    try {
      const r = await loop(ws, ['--runs', '1'], 120_000);
      expect(r.exitCode, r.all).toBe(0);
      const finished = eventsOfType(ws, 'RunFinished')[0]!;
      expect(finished.data.folder?.map((e) => e.path)).toEqual(expect.arrayContaining(['runs/001', 'runs/001/trainer_summary.json', 'runs/001/train.log']));
      const late = eventsOfType(ws, 'GuardrailViolation').filter((e) => e.data.source === 'trainer');
      expect(late).toHaveLength(1);
      expect(late[0]!.data).toMatchObject({ runId: '001', attempt: 1, action: 'detected' });
      expect(late[0]!.data.paths).toEqual([
        {
          path: 'runs/001/late.log',
          change: expect.stringMatching(/^(created|modified)$/),
          restored: false,
          note: 'changed after the run ended and its result was read; the recorded result stands',
        },
      ]);
      expect(eventsOfType(ws, 'JournalWritten')[0]?.data.runId).toBe('001');
    } finally {
      // The writer ends by itself; make sure of it.
      const writer = existsSync(pids)
        ? readFileSync(pids, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as { role: string; pid: number })
            .find((p) => p.role === 'writer')?.pid
        : undefined;
      if (writer !== undefined && processAlive(writer)) process.kill(writer, 'SIGKILL');
    }
  }, 150_000);
});
