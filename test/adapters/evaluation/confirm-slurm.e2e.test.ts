/**
 * Evaluators on the real one-node Slurm (bin/slurm-up.sh) when the workspace's launcher is Slurm: a
 * promotion's confirmation runs each evaluator as one job of the loop's session (recorded before
 * `sbatch`, its id after), and the evaluator proves it ran inside that job; a loop SIGKILLed while an
 * evaluator job runs cancels it on resume and evaluates again, once; `autopilot eval` runs its
 * evaluators as jobs too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AutopilotEvent, EventOf } from '../../../events/catalogue.js';
import { jobOfSession } from '../../../domain/run/slurm-job.js';
import { workspaceIdOf } from '../../../adapters/actors/train-cluster.js';
import { scontrolShowJob } from '../../../adapters/launcher/slurm/commands.js';
import { logOf, loop } from '../../support/hostile.js';
import { waitForJobState } from '../../support/slurm.js';
import { useConfirmingSlurmWorkspaces, waitFor, waitForEvent } from '../../support/slurm-loop.js';
import { CLI, FAKE_TRAINER, ROOT, patchSettings } from '../../support/workspace.js';

const JOB_ID_EVAL = join(ROOT, 'test', 'fixtures', 'job-id-eval.mjs');
const STALL = join(ROOT, 'test', 'fixtures', 'stall-once.mjs');

/** A confirming Slurm workspace, its jobs cancelled after the tests. */
const confirmingWorkspace = useConfirmingSlurmWorkspaces();

const of = <T extends AutopilotEvent['type']>(log: AutopilotEvent[], type: T) => log.filter((e): e is EventOf<T> => e.type === type);
const jobOf = (e: EventOf<'EvaluatorStarted'>) => (e.data.launcher === 'slurm' ? e.data.job : null);
/** An evaluation of two targets, each evaluator one Slurm job recorded before sbatch and by id after. */
const EVALUATED_ON_SLURM = ['EvaluationPlanned', 'EvaluatorJobPlanned', 'EvaluatorStarted', 'EvaluatorJobPlanned', 'EvaluatorStarted', 'EvaluationFinished'];
const evaluationTypes = (log: AutopilotEvent[]) => log.map((e) => e.type).filter((t) => /^(Evaluat|IncumbentChanged)/.test(t));

describe('a loop on Slurm confirming a promotion', () => {
  let ws: string;
  let log: AutopilotEvent[];
  beforeAll(async () => {
    ws = confirmingWorkspace([process.execPath, JOB_ID_EVAL, FAKE_TRAINER]);
    const r = await loop(ws, ['--runs', '2'], 120_000);
    expect(r.exitCode, r.all).toBe(0);
    log = logOf(ws);
  }, 130_000);

  it('runs each evaluator as one Slurm job of the session, recorded before sbatch and by id after, and promotes', () => {
    expect(evaluationTypes(log)).toEqual(['IncumbentChanged', ...EVALUATED_ON_SLURM, 'IncumbentChanged']);
    const planned = of(log, 'EvaluatorJobPlanned');
    const started = of(log, 'EvaluatorStarted');
    const session = log[0]!.metadata.session;
    for (const [i, p] of planned.entries()) {
      expect(p.data).toMatchObject({ evaluationId: 'e001', index: i + 1, launcher: 'slurm', job: { name: `ap-e001-e${i + 1}`, resultFile: `logs/eval/e001-${i + 1}/slurm.result.json` } });
      expect(p.data.job.comment).toBe(`autopilot:${workspaceIdOf(ws)}/${session}/e001/e${i + 1}`);
      // Of the session: `stop --now` cancels it with the trainers' jobs.
      expect(jobOfSession(p.data.job.comment, workspaceIdOf(ws), session)).toBe(true);
      expect(started[i]!.data).toMatchObject({ evaluationId: 'e001', index: i + 1, launcher: 'slurm', job: { ...p.data.job, id: expect.stringMatching(/^\d+$/) } });
    }
    expect(of(log, 'IncumbentChanged').map((e) => e.data.runId)).toEqual(['001', '002']);
  });

  it('ran each evaluator inside its recorded job: the job id the evaluator saw is the one recorded', () => {
    const ids = of(log, 'EvaluatorStarted').map((e) => Number(jobOf(e)!.id));
    const finished = of(log, 'EvaluationFinished')[0]!.data;
    expect(finished.results.map((r) => r.metrics.slurm_job_id)).toEqual(ids);
    expect(finished.paired).toMatchObject({ verdict: 'improved', n: 20 });
    // The job script recorded the evaluator's end, as a trainer's.
    expect(JSON.parse(readFileSync(join(ws, 'logs', 'eval', 'e001-1', 'slurm.result.json'), 'utf8'))).toMatchObject({ exitCode: 0, jobId: String(ids[0]) });
  });

  it('runs the evaluators of `autopilot eval` as Slurm jobs too', async () => {
    const r = await execa('node', [CLI, 'eval', '002', '--vs', '001', '--episodes', '5', '--workspace', ws], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    const after = logOf(ws);
    const started = of(after, 'EvaluatorStarted').filter((e) => e.data.evaluationId === 'e002');
    expect(started.map((e) => jobOf(e)?.name)).toEqual(['ap-e002-e1', 'ap-e002-e2']);
    const finished = of(after, 'EvaluationFinished').find((e) => e.data.evaluationId === 'e002')!.data;
    expect(finished.results.map((x) => x.metrics.slurm_job_id)).toEqual(started.map((e) => Number(jobOf(e)!.id)));
  });
});

describe('a loop on Slurm SIGKILLed while its confirmation’s evaluator job runs, then resumed', () => {
  let log: AutopilotEvent[];
  let stalledJob: string;
  beforeAll(async () => {
    // An evaluator that stalls the first time (in its job), and is the fake trainer's after.
    const ws = confirmingWorkspace();
    const mark = join(ws, '..', 'stalled.pid');
    patchSettings(ws, { evaluation: { command: [process.execPath, STALL, mark, FAKE_TRAINER] } });
    const first = loop(ws, ['--runs', '2'], 120_000);
    const started = await waitForEvent(ws, 'EvaluatorStarted', 90_000);
    stalledJob = jobOf(started)!.id;
    await waitFor(() => Promise.resolve(existsSync(mark)), 30_000);
    expect(await waitForJobState(stalledJob, ['RUNNING'], 10_000)).toBe('RUNNING');
    first.kill('SIGKILL');
    await first;
    expect(logOf(ws).at(-1)?.type).toBe('EvaluatorStarted');
    const again = await loop(ws, ['--runs', '2'], 120_000);
    expect(again.exitCode, again.all).toBe(0);
    expect(again.stdout).toContain('resuming an unfinished session');
    log = logOf(ws);
  }, 200_000);

  it('cancelled the job the killed loop left running before it evaluated again, and says so', async () => {
    const state = (await scontrolShowJob(stalledJob))?.state ?? null;
    expect(state === null || state === 'CANCELLED', `job ${stalledJob} is ${state}`).toBe(true);
    expect(of(log, 'EvaluationFailed').map((e) => e.data)).toEqual([
      {
        evaluationId: 'e001',
        reason: 'interrupted',
        message: `the loop's process ended while it ran; its evaluator (Slurm job ${stalledJob}) still ran and was stopped; the confirmation is evaluated again`,
      },
    ]);
  });

  it('evaluates again exactly once, as new jobs, and then promotes', () => {
    expect(evaluationTypes(log)).toEqual(['IncumbentChanged', 'EvaluationPlanned', 'EvaluatorJobPlanned', 'EvaluatorStarted', 'EvaluationFailed', ...EVALUATED_ON_SLURM, 'IncumbentChanged']);
    const ids = of(log, 'EvaluatorStarted').map((e) => jobOf(e)!.id);
    expect(new Set(ids).size).toBe(3);
    expect(of(log, 'EvaluationFinished')[0]!.data).toMatchObject({ evaluationId: 'e002', paired: { verdict: 'improved' } });
  });
});
