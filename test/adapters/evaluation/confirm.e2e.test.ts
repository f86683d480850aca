/**
 * `evaluation.confirm_promotion` in real loops of the fake trainer (which saves a checkpoint and
 * evaluates one per the evaluator contract): run 002 beats the baseline in training, and is promoted
 * only when its checkpoint also beats the baseline's on held-out seeds; a checkpoint that is worse,
 * or an evaluator that crashes, leaves the incumbent where it was, and the journal says why.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AutopilotEvent } from '../../../events/catalogue.js';
import { killLiveChildren, startCli, until } from '../../support/chaos.js';
import { logOf } from '../../support/hostile.js';
import { CLI, FAKE_TRAINER, ROOT, fakeTrainerWorkspace, patchSettings } from '../../support/workspace.js';

const AGENT = join(ROOT, 'test', 'fixtures', 'hostile-agent.mjs');

/** A two-run loop (the baseline at lr 1e-4, then a proposal of lr 0.003, which trains better) with confirm_promotion on. */
function confirmingWorkspace(checkpoint: 'same' | 'inverse' | 'none', evaluation: Record<string, unknown> = {}): string {
  const ws = fakeTrainerWorkspace(checkpoint === 'none' ? {} : { FAKE_TRAINER_CHECKPOINT: checkpoint });
  patchSettings(ws, {
    proposer: { kind: 'command', command: { argv: [process.execPath, AGENT] } },
    statistics: { replicates: 0 },
    evaluation: { confirm_promotion: true, episodes: 20, ...evaluation },
  });
  return ws;
}

/** Runs confirmingWorkspace's loop to its end (`extra`: more arguments of `loop`). */
async function confirmingLoop(
  checkpoint: 'same' | 'inverse' | 'none',
  evaluation: Record<string, unknown> = {},
  extra = ['--runs', '2'],
): Promise<{ ws: string; log: AutopilotEvent[]; out: string }> {
  const ws = confirmingWorkspace(checkpoint, evaluation);
  const r = await execa('node', [CLI, 'loop', ...extra, '--workspace', ws], { reject: false, all: true });
  expect(r.exitCode, r.all).toBe(0);
  return { ws, log: logOf(ws), out: r.all };
}

const types = (log: AutopilotEvent[]) => log.map((e) => e.type).filter((t) => /^(Evaluation|IncumbentChanged|JournalWritten|RunEvaluated)/.test(t));
const of = <T extends AutopilotEvent['type']>(log: AutopilotEvent[], type: T) => log.filter((e): e is Extract<AutopilotEvent, { type: T }> => e.type === type);
const bestRun = (ws: string) => (JSON.parse(readFileSync(join(ws, 'runs', 'best.json'), 'utf8')) as { run_id: string }).run_id;

describe('when the candidate’s checkpoint also beats the incumbent’s on held-out seeds', () => {
  let ws: string;
  let log: AutopilotEvent[];
  let out: string;
  beforeAll(async () => ({ ws, log, out } = await confirmingLoop('same')), 30_000);

  it('records the confirmation (by promotion, for run 002) before IncumbentChanged', () => {
    expect(types(log)).toEqual([
      'RunEvaluated',
      'IncumbentChanged',
      'JournalWritten', // the baseline: nothing to confirm against
      'RunEvaluated',
      'EvaluationPlanned',
      'EvaluationFinished',
      'IncumbentChanged',
      'JournalWritten',
    ]);
    const [planned] = of(log, 'EvaluationPlanned');
    expect(planned!.data).toMatchObject({ by: 'promotion', runId: '002', seeds: { count: 20 } });
    expect(planned!.data.targets.map((t) => [t.runId, t.checkpoint])).toEqual([
      ['002', 'runs/002/checkpoints/model_000001.json'],
      ['001', 'runs/001/checkpoints/model_000001.json'],
    ]);
    expect(of(log, 'EvaluationFinished')[0]!.data.paired).toMatchObject({ verdict: 'improved', n: 20 });
    expect(of(log, 'IncumbentChanged').map((e) => e.data.runId)).toEqual(['001', '002']);
  });

  it('shows the evaluation in journal/evaluations.md, and the promotion in the labbook as usual', () => {
    const md = readFileSync(join(ws, 'journal', 'evaluations.md'), 'utf8');
    expect(md).toContain('## e001');
    expect(md).toMatch(/improved: 002 is better than 001/);
    expect(of(log, 'JournalWritten')[1]!.data.outcome).toMatch(/-> incumbent$/);
    expect(out).toMatch(/evaluation e001 \(confirming the promotion of run 002\): 002 \(runs\/002\/checkpoints\/model_000001\.json\) vs 001/);
    expect(bestRun(ws)).toBe('002');
  });
});

describe('when the candidate trained better but its checkpoint is worse on held-out seeds', () => {
  let ws: string;
  let log: AutopilotEvent[];
  beforeAll(async () => ({ ws, log } = await confirmingLoop('inverse')), 30_000);

  it('records the evaluation and no IncumbentChanged for 002: the baseline stays incumbent', () => {
    expect(types(log).slice(3)).toEqual(['RunEvaluated', 'EvaluationPlanned', 'EvaluationFinished', 'JournalWritten']);
    expect(of(log, 'RunEvaluated')[1]!.data.verdict).toBe('improved');
    expect(of(log, 'EvaluationFinished')[0]!.data.paired).toMatchObject({ verdict: 'regressed' });
    expect(of(log, 'IncumbentChanged').map((e) => e.data.runId)).toEqual(['001']);
    expect(bestRun(ws)).toBe('001');
  });

  it('says in the journal that the promotion was not confirmed, with the paired interval', () => {
    const outcome = of(log, 'JournalWritten')[1]!.data.outcome;
    expect(outcome).toMatch(/promotion of 002 not confirmed: evaluation e001 on held-out seeds: regressed: 002 \(runs\/002\/checkpoints\/model_000001\.json\) is worse than 001/);
    expect(outcome).toMatch(/95% paired interval \[-\d/);
    expect(outcome).toMatch(/; incumbent stays 001$/);
    expect(outcome).not.toContain('-> incumbent');
    expect(readFileSync(join(ws, 'journal', 'labbook.md'), 'utf8')).toContain('promotion of 002 not confirmed');
  });
});

describe('when the confirmation’s evaluator crashes', () => {
  let log: AutopilotEvent[];
  beforeAll(async () => ({ log } = await confirmingLoop('same', { command: [process.execPath, '-e', 'process.exit(3)'] })), 30_000);

  it('records the evaluation failed, does not promote, says why, and the loop goes on to its end', () => {
    expect(types(log).slice(3)).toEqual(['RunEvaluated', 'EvaluationPlanned', 'EvaluationFailed', 'JournalWritten']);
    expect(of(log, 'EvaluationFailed')[0]!.data).toMatchObject({ evaluationId: 'e001', target: '002', reason: 'crashed' });
    expect(of(log, 'IncumbentChanged').map((e) => e.data.runId)).toEqual(['001']);
    expect(of(log, 'JournalWritten')[1]!.data.outcome).toMatch(/promotion of 002 not confirmed: evaluation e001 on held-out seeds failed \(002\), crashed: .*; incumbent stays 001$/);
    expect(log.at(-1)!.type).toBe('LoopCompleted');
  });
});

describe('when the runs saved no checkpoint', () => {
  let log: AutopilotEvent[];
  beforeAll(async () => ({ log } = await confirmingLoop('none')), 30_000);

  it('plans no evaluation, does not promote, and says why', () => {
    expect(types(log).slice(3)).toEqual(['RunEvaluated', 'JournalWritten']);
    expect(of(log, 'IncumbentChanged').map((e) => e.data.runId)).toEqual(['001']);
    expect(of(log, 'JournalWritten')[1]!.data.outcome).toMatch(
      /promotion of 002 not confirmed: no evaluation on held-out seeds could be planned: cannot evaluate "002": run 002 recorded no checkpoint.*; incumbent stays 001$/,
    );
  });
});

describe('with runs in flight (--parallel 2)', () => {
  let log: AutopilotEvent[];
  // An evaluator the agent's guardrail took files from would hang: fail fast rather than at the hook's timeout.
  beforeAll(async () => ({ log } = await confirmingLoop('same', { no_output_seconds: 5 }, ['--runs', '4', '--parallel', '2'])), 30_000);

  it('confirms every change of incumbent right before it, by an evaluation of that run that ended improved', () => {
    const changes = of(log, 'IncumbentChanged').filter((e) => e.data.previous !== null && e.data.previous !== e.data.runId);
    expect(changes.length).toBeGreaterThan(0);
    for (const change of changes) {
      const before = log.slice(0, log.indexOf(change)).filter((e) => e.type.startsWith('Evaluation'));
      const [planned, ended] = before.slice(-2);
      expect(planned).toMatchObject({ type: 'EvaluationPlanned', data: { by: 'promotion', targets: [{ runId: change.data.runId }, { runId: change.data.previous }] } });
      expect(ended).toMatchObject({ type: 'EvaluationFinished', data: { paired: { verdict: 'improved' } } });
    }
    expect(of(log, 'EvaluationPlanned').length).toBe(of(log, 'EvaluationFinished').length + of(log, 'EvaluationFailed').length);
    expect(of(log, 'EvaluationFailed')).toEqual([]);
  });

  it('does not take what a confirmation writes beside an agent’s step for the agent’s doing', () => {
    // The fake trainer's record of its calls (a test's file in the workspace) is written by the trainers in flight too.
    const blamed = of(log, 'GuardrailViolation').flatMap((e) => e.data.paths.map((p) => p.path));
    expect(blamed.filter((p) => p !== 'fake-trainer.jsonl')).toEqual([]);
  });
});

describe('when the loop is killed while the confirmation’s evaluator runs, and restarted', () => {
  let log: AutopilotEvent[];
  let mark: string;
  afterAll(async () => {
    await killLiveChildren();
    // The resumed loop stops the stalled evaluator; should it not, it is ended here.
    try {
      process.kill(Number(readFileSync(mark, 'utf8')), 'SIGKILL');
    } catch {
      // Already gone.
    }
  });
  beforeAll(async () => {
    // An evaluator that stalls the first time it is started (recording its pid), and is the fake trainer's after.
    const stall = join(ROOT, 'test', 'fixtures', 'stall-once.mjs');
    const ws = confirmingWorkspace('same');
    mark = join(ws, '..', 'stalled.pid');
    patchSettings(ws, { evaluation: { command: [process.execPath, stall, mark, FAKE_TRAINER] } });
    const loop = startCli(['loop', '--runs', '2', '--workspace', ws]);
    await until('the stalled evaluator', () => (existsSync(mark) ? true : undefined), 30_000);
    expect(logOf(ws).at(-1)?.type).toBe('EvaluatorStarted');
    expect((await loop.kill()).signal).toBe('SIGKILL');
    const again = await execa('node', [CLI, 'loop', '--runs', '2', '--workspace', ws], { reject: false, all: true });
    expect(again.exitCode, again.all).toBe(0);
    expect(again.stdout).toContain('resuming an unfinished session');
    log = logOf(ws);
  }, 40_000);

  it('stops the evaluator the killed loop left running before it evaluates again, and says so', () => {
    const stalledPid = Number(readFileSync(mark, 'utf8'));
    expect(() => process.kill(stalledPid, 0)).toThrow();
    const started = of(log, 'EvaluatorStarted');
    expect(started.map((e) => [e.data.evaluationId, e.data.index, e.data.target])).toEqual([
      ['e001', 1, '002'],
      ['e002', 1, '002'],
      ['e002', 2, '001'],
    ]);
    // The stall-once evaluator is the supervisor's child: the supervisor recorded for e001 is what was stopped.
    expect(of(log, 'EvaluationFailed')[0]!.data.message).toBe(
      `the loop's process ended while it ran; its evaluator (pid ${(started[0]!.data as { pid: number }).pid}) still ran and was stopped; the confirmation is evaluated again`,
    );
  });

  it('records the interrupted evaluation failed, evaluates again, and then promotes', () => {
    expect(types(log).slice(3)).toEqual(['RunEvaluated', 'EvaluationPlanned', 'EvaluationFailed', 'EvaluationPlanned', 'EvaluationFinished', 'IncumbentChanged', 'JournalWritten']);
    expect(of(log, 'EvaluationFailed')[0]!.data).toMatchObject({ evaluationId: 'e001', reason: 'interrupted' });
    expect(of(log, 'EvaluationPlanned').map((e) => [e.data.evaluationId, e.data.by, e.data.runId])).toEqual([
      ['e001', 'promotion', '002'],
      ['e002', 'promotion', '002'],
    ]);
    expect(of(log, 'EvaluationFinished')[0]!.data).toMatchObject({ evaluationId: 'e002', paired: { verdict: 'improved' } });
    expect(of(log, 'IncumbentChanged').map((e) => e.data.runId)).toEqual(['001', '002']);
  });
});
