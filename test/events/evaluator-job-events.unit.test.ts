/**
 * Evaluators as cluster jobs, in the log: their names and comments (of the session, told from
 * trainer attempts), EvaluatorStarted's two shapes (an old log's local evaluator still parses), and
 * the fold that keeps an evaluation's planned jobs and started evaluators.
 */
import { describe, expect, it } from 'vitest';
import { AutopilotEvent } from '../../events/catalogue.js';
import { jobOfSession, sbatchArgv, slurmJobComment, slurmJobName, slurmJobScript } from '../../domain/run/slurm-job.js';
import { SlurmSettingsSchema } from '../../domain/config/launcher-settings.js';
import { evolveEvaluations, type EvaluationView } from '../../projections/evaluations.js';

const evaluator = { workspaceId: 'abc123', session: '0002', evaluationId: 'e007', index: 2 };
const metadata = { session: '0002', at: '2026-12-07T10:00:00.000Z' };
const job = {
  name: 'ap-e007-e2',
  comment: 'autopilot:abc123/0002/e007/e2',
  script: 'logs/eval/e007-2/slurm.sh',
  scriptSha256: 'f'.repeat(64),
  resultFile: 'logs/eval/e007-2/slurm.result.json',
};

describe('an evaluator’s Slurm job', () => {
  it('is named and commented apart from trainer attempts, and still of its session', () => {
    expect(slurmJobName(evaluator)).toBe('ap-e007-e2');
    expect(slurmJobComment(evaluator)).toBe('autopilot:abc123/0002/e007/e2');
    const attempt = { workspaceId: 'abc123', session: '0002', runId: '007', attempt: 2 };
    expect([slurmJobName(attempt), slurmJobComment(attempt)]).toEqual(['ap-007-a2', 'autopilot:abc123/0002/007/2']);
    expect(jobOfSession(slurmJobComment(evaluator), 'abc123', '0002')).toBe(true);
    expect(jobOfSession(slurmJobComment(evaluator), 'abc123', '0001')).toBe(false);
  });

  it('is submitted with the trainers’ options and a script naming the evaluation', () => {
    const plan = { ...evaluator, script: '/w/logs/eval/e007-2/slurm.sh', log: '/w/logs/eval/e007-2/eval.log', cwd: '/w', wallSeconds: 600 };
    const argv = sbatchArgv(SlurmSettingsSchema.parse({ gpus: 1, partition: 'gpu' }), plan);
    expect(argv).toEqual(expect.arrayContaining(['--job-name=ap-e007-e2', '--comment=autopilot:abc123/0002/e007/e2', '--gpus=1', '--partition=gpu', '--time=12']));
    const script = slurmJobScript({ ...evaluator, argv: ['node', 'eval.js'], resultFile: '/w/logs/eval/e007-2/slurm.result.json' });
    expect(script).toContain('# autopilot: session 0002, evaluation e007, evaluator 2.');
  });
});

describe('EvaluatorStarted', () => {
  it('parses an old log’s local evaluator (no launcher field) and a Slurm job, and refuses a job without its id', () => {
    const local = { evaluationId: 'e001', target: '002', index: 1, pid: 42, pidStartTime: '123', containment: { mode: 'process-group' } };
    expect(AutopilotEvent.parse({ type: 'EvaluatorStarted', data: local, metadata }).data).toEqual(local);
    const slurm = { evaluationId: 'e007', target: '002', index: 2, launcher: 'slurm', job: { ...job, id: '4711' } };
    expect(AutopilotEvent.parse({ type: 'EvaluatorStarted', data: slurm, metadata }).data).toEqual(slurm);
    expect(() => AutopilotEvent.parse({ type: 'EvaluatorStarted', data: { ...slurm, job }, metadata })).toThrow();
  });
});

describe('the evaluations fold', () => {
  it('keeps the jobs planned and the evaluators started of each evaluation', () => {
    const evaluations = new Map<string, EvaluationView>();
    const target = { spec: '002', runId: '002', checkpoint: 'runs/002/checkpoints/m.json', sha256: 'a'.repeat(64), argv: ['node'] };
    const events = AutopilotEvent.array().parse([
      {
        type: 'EvaluationPlanned',
        data: {
          evaluationId: 'e007',
          targets: [target],
          metric: 'm',
          direction: 'maximize',
          seeds: { first: 1, count: 2, training: { count: 0, max: null } },
          bootstrapSeed: null,
          by: 'command',
        },
        metadata,
      },
      { type: 'EvaluatorJobPlanned', data: { evaluationId: 'e007', target: '002', index: 2, launcher: 'slurm', job, argv: ['sbatch'] }, metadata },
      { type: 'EvaluatorStarted', data: { evaluationId: 'e007', target: '002', index: 2, launcher: 'slurm', job: { ...job, id: '9' } }, metadata },
    ]);
    for (const e of events) if (e.type === 'EvaluationPlanned' || e.type === 'EvaluatorJobPlanned' || e.type === 'EvaluatorStarted') evolveEvaluations(evaluations, e);
    const ev = evaluations.get('e007')!;
    expect(ev.jobsPlanned.map((p) => p.job.name)).toEqual(['ap-e007-e2']);
    expect(ev.evaluators.map((e) => (e.launcher === 'slurm' ? e.job.id : e.pid))).toEqual(['9']);
  });
});
