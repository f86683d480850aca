/**
 * What every chaos run must leave, whatever was killed and how many runs were in flight: every
 * retry a new attempt after an orphaned one, every reattached launch followed to its end, no
 * trainer the log does not record, a gapless verified chain, no temp file of a projection write.
 * Registered as tests on the chaos run `get` returns once its loop is done.
 */
import { expect, it } from 'vitest';
import { attemptsByRun, cli, fakeTrainerPids, leftoverTempFiles, type LoggedEvent } from './chaos.js';

/** A finished chaos run: its workspace, its log, its seed and the runs it was asked for. */
export interface ChaosRun {
  ws: string;
  log: LoggedEvent[];
  seed: number;
  runIds: string[];
}

/** Registers the invariants every chaos run keeps (call inside its `describe`). */
export function itKeepsChaosInvariants(get: () => ChaosRun): void {
  it('shows every retry as a new attempt, each earlier one ended by an orphaned RunFailed', () => {
    const { log, seed, runIds } = get();
    for (const id of runIds) {
      const attempts = attemptsByRun(log).get(id) ?? [];
      expect(attempts, `run ${id}`).toEqual(attempts.map((_, i) => i + 1));
      const failed = log.filter((e) => e.type === 'RunFailed' && e.data.runId === id);
      expect(
        failed.map((e) => [e.data.attempt, e.data.reason]),
        `seed ${seed}, run ${id}`,
      ).toEqual(attempts.slice(0, -1).map((a) => [a, 'orphaned']));
      expect(log.find((e) => e.type === 'RunFinished' && e.data.runId === id)?.data.attempt, `run ${id}`).toBe(attempts.at(-1));
    }
  });

  it('follows every reattached launch to its end', () => {
    const { log, seed } = get();
    for (const r of log.filter((e) => e.type === 'RunReattached')) {
      const id = r.data.runId!;
      const started = log.find((e) => e.type === 'RunStarted' && e.data.runId === id && e.data.attempt === r.data.attempt);
      expect(started, `RunReattached at seq ${r.seq}`).toBeDefined();
      expect(started!.seq).toBeLessThan(r.seq);
      const end = log.find((e) => e.seq > r.seq && ['RunFinished', 'RunFailed'].includes(e.type) && e.data.runId === id);
      expect(end?.data.attempt, `seed ${seed}: RunReattached at seq ${r.seq}`).toBe(r.data.attempt);
    }
  });

  it('launched no trainer that the log does not record', () => {
    const { ws, log, seed, runIds } = get();
    // "Nothing runs twice without an event saying so": as many trainer processes started per run
    // (the fake trainer records each start) as the log has RunStarted events for it, less the
    // attempts whose RunFailed says the trainer never ran (killed between RunStarted and the go).
    const neverRan = (id: string) => log.filter((e) => e.type === 'RunFailed' && e.data.runId === id && e.data.started === false).length;
    const launched = (id: string) => (attemptsByRun(log).get(id)?.length ?? 0) - neverRan(id);
    const starts = (id: string) => fakeTrainerPids(ws).filter((c) => c.runId === id).length;
    expect(
      runIds.map((id) => [id, starts(id)]),
      `seed ${seed}`,
    ).toEqual(runIds.map((id) => [id, launched(id)]));
  });

  it('keeps the sequence gapless and the hash chain intact', async () => {
    const { ws, log } = get();
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    const v = await cli(['verify', '--workspace', ws, '--json']);
    expect(v.exitCode, v.stdout).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, lastSeq: log.length });
  });

  it('leaves no temp file of an interrupted projection write behind', () => {
    const { ws, seed } = get();
    // A kill between writing `<file>.tmp-<pid>-<hex>` and renaming it leaves the temp file; a restart
    // rewrites the projection but should not leave the litter in runs/ or journal/.
    expect(leftoverTempFiles(ws), `seed ${seed}`).toEqual([]);
  });
}
