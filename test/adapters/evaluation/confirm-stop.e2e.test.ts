/**
 * `autopilot stop --now` while a promotion's confirmation evaluates a checkpoint, in a real loop of
 * the fake trainer, alone and with runs in flight: the evaluator is stopped, the evaluation is
 * recorded as failed (killed), the run's journal entry says the promotion was not confirmed, and the
 * loop halts, so no evaluation is left planned without an end once the session is over.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import type { AutopilotEvent } from '../../../events/catalogue.js';
import { killLiveChildren, startCli, until, type Ended } from '../../support/chaos.js';
import { logOf } from '../../support/hostile.js';
import { CLI, FAKE_TRAINER, ROOT, fakeTrainerWorkspace, patchSettings } from '../../support/workspace.js';

const AGENT = join(ROOT, 'test', 'fixtures', 'hostile-agent.mjs');
const STALL = join(ROOT, 'test', 'fixtures', 'stall-once.mjs');
const stalled: number[] = [];

afterAll(async () => {
  await killLiveChildren();
  for (const pid of stalled) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone, as it should be.
    }
  }
});

/** A loop whose first confirmation's evaluator stalls (recording its pid), stopped now once it runs. */
async function stoppedDuringConfirmation(extra: string[]): Promise<{ log: AutopilotEvent[]; ended: Ended; evaluator: number; labbook: string }> {
  const ws = fakeTrainerWorkspace({ FAKE_TRAINER_CHECKPOINT: 'same' });
  const mark = join(ws, '..', 'stalled.pid');
  patchSettings(ws, {
    proposer: { kind: 'command', command: { argv: [process.execPath, AGENT] } },
    statistics: { replicates: 0 },
    evaluation: { confirm_promotion: true, episodes: 20, command: [process.execPath, STALL, mark, FAKE_TRAINER] },
  });
  const loop = startCli(['loop', ...extra, '--workspace', ws]);
  const evaluator = await until('the stalled evaluator', () => (existsSync(mark) ? Number(readFileSync(mark, 'utf8')) : undefined), 30_000);
  stalled.push(evaluator);
  const stop = await execa('node', [CLI, 'stop', '--now', '--workspace', ws], { reject: false, all: true });
  expect(stop.exitCode, stop.all).toBe(0);
  const ended = await loop.ended;
  return { log: logOf(ws), ended, evaluator, labbook: readFileSync(join(ws, 'journal', 'labbook.md'), 'utf8') };
}

const of = <T extends AutopilotEvent['type']>(log: AutopilotEvent[], type: T) => log.filter((e): e is Extract<AutopilotEvent, { type: T }> => e.type === type);

describe.concurrent.each([
  ['one run at a time', ['--runs', '3']],
  ['two runs in flight (--parallel 2)', ['--runs', '4', '--parallel', '2']],
])('when stop --now comes while the confirmation’s evaluator runs, %s', (_, extra) => {
  const result = stoppedDuringConfirmation(extra);

  it('stops the evaluator and halts the loop, with exit 1', async () => {
    const { ended, evaluator } = await result;
    expect(ended.signal).toBeUndefined();
    expect(ended.exitCode, ended.stderr).toBe(1);
    expect(() => process.kill(evaluator, 0)).toThrow();
  });

  it('records the evaluation failed (killed) before the halt, and no promotion', async () => {
    const { log } = await result;
    const planned = of(log, 'EvaluationPlanned');
    expect(planned.map((e) => [e.data.evaluationId, e.data.runId])).toEqual([['e001', '002']]);
    expect(of(log, 'EvaluationFinished')).toEqual([]);
    expect(of(log, 'EvaluationFailed').map((e) => [e.data.evaluationId, e.data.reason, e.data.message])).toEqual([['e001', 'killed', 'stopped by request']]);
    expect(of(log, 'IncumbentChanged').map((e) => e.data.runId)).toEqual(['001']);
    const types = log.map((e) => e.type);
    expect(types.indexOf('EvaluationFailed')).toBeLessThan(types.lastIndexOf('JournalWritten'));
    expect(types.at(-1)).toBe('LoopHalted');
  });

  it('writes run 002’s journal entry, saying the promotion was not confirmed', async () => {
    const { log, labbook } = await result;
    const entry = of(log, 'JournalWritten').find((e) => e.data.runId === '002');
    expect(entry?.data.outcome).toMatch(/promotion of 002 not confirmed: evaluation e001 on held-out seeds failed .*killed: stopped by request; incumbent stays 001/);
    expect(labbook).toContain('promotion of 002 not confirmed');
  });
});
