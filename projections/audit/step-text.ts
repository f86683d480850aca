/** What each audit step says in the report: a headline and detail lines. Pure. */
import type { DataOf } from '../../events/catalogue.js';
import { assertNever } from '../../domain/assert-never.js';
import { fmt } from '../../domain/text/numbers.js';
import { shownPaths } from '../../domain/text/violation-paths.js';
import { inputChangeHint, rejectedFile } from '../rejected-inputs-text.js';
import { verdictText, type EvaluationFacts } from '../../domain/judging/verdict-text.js';
import type { AuditStep, AuditStepOf, ValidationErrors } from './steps.js';

/** A config value as the audit prints it: exact, strings quoted. */
function value(v: unknown): string {
  if (v === null) return '(unset)';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Quotes an argv element for a POSIX shell only when it needs it. */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function flatten(o: unknown, prefix = ''): [string, unknown][] {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return [[prefix || '(value)', o]];
  return Object.entries(o as Record<string, unknown>).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? flatten(v, `${prefix}${k}.`) : [[`${prefix}${k}`, v] as [string, unknown]],
  );
}

function seconds(ms: number): string {
  return `${fmt(ms / 1000)}s`;
}

function errorLine(e: ValidationErrors[number]): string {
  return `${e.key} = ${value(e.value)}: ${e.message} (allowed: ${e.expected}; rule ${e.rule})`;
}

/** `key: value` lines for the fields a step passes through beyond the ones named in `known`. */
// The prompt an agent saw, verbatim, each line behind a bar so it reads apart from the audit's own lines.
function promptLines(step: AuditStep): string[] {
  const prompt = (step as { prompt?: { template: string; text: string } }).prompt;
  if (!prompt) return [];
  return [
    `prompt (rendered from ${prompt.template}):`,
    ...prompt.text
      .replace(/\n$/, '')
      .split('\n')
      .map((l) => `  | ${l}`),
  ];
}

function extraLines(step: AuditStep, known: readonly string[]): string[] {
  const skip = new Set(['seq', 'at', 'stream', 'type', ...known]);
  return Object.entries(step)
    .filter(([k, v]) => !skip.has(k) && v !== undefined)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
}

function violationWho(source: DataOf<'GuardrailViolation'>['source'], proposer: string | undefined): string {
  switch (source ?? 'proposer') {
    case 'proposer':
      return proposer ?? 'the proposer';
    case 'trainer':
      return 'the trainer';
    case 'inputs':
      return 'someone (not through a command)';
    case 'workspace':
      return 'something in the workspace';
  }
  return 'something';
}

/** The audit's verdict line for an evaluation step (its fields are the event's, passed through verbatim). */
export function verdictLine(step: AuditStepOf<'RunEvaluated'>): string {
  const ev = { ...step, incumbent: step.incumbent && { runId: step.incumbent.run_id, mean: step.incumbent.mean, n: step.incumbent.n } } as unknown as EvaluationFacts;
  return verdictText(ev, { style: 'audit' });
}

/** What a step says: a headline and detail lines. */
export function describe(step: AuditStep): { head: string; details: string[] } {
  switch (step.type) {
    case 'RunPlanned':
      return { head: `planned as ${step.kind === 'baseline' ? 'the baseline' : 'a proposal'} (index ${step.index}, ${step.mode} mode)`, details: [] };
    case 'ProposalRequested':
      return {
        head: `attempt ${step.attempt} asked of ${step.proposer}${step.previous_errors.length ? `, handing back ${step.previous_errors.length} error(s)` : ''}`,
        details: [...step.previous_errors.map((e) => `previous error: ${errorLine(e)}`), ...extraLines(step, ['attempt', 'proposer', 'previous_errors', 'prompt']), ...promptLines(step)],
      };
    case 'ProposalReceived':
      return {
        head: `attempt ${step.attempt} from ${step.proposer}${step.seed === null ? '' : ` (seed ${step.seed})`}`,
        details: [
          `overrides: ${
            flatten(step.overrides)
              .map(([k, v]) => `${k}=${value(v)}`)
              .join(', ') || '(none)'
          }`,
          `rationale: ${step.rationale}`,
          `hypothesis: ${step.hypothesis}`,
          ...extraLines(step, ['attempt', 'proposer', 'seed', 'overrides', 'rationale', 'hypothesis']),
        ],
      };
    case 'ProposalFailed':
      return {
        head: `attempt ${step.attempt}: proposer ${step.proposer} failed`,
        details: [`message: ${step.message}`, ...extraLines(step, ['attempt', 'proposer', 'message'])],
      };
    case 'GuardrailViolation':
      return {
        head: `${step.attempt !== undefined ? `attempt ${step.attempt}: ` : ''}${violationWho(step.source, step.proposer)} changed ${step.paths.length} path(s) it may not touch (${step.action})`,
        // The step (and --json) keeps every path; the text names the first ones.
        details: shownPaths(
          step.paths,
          (x) =>
            `${x.change} ${x.path}${x.kind && x.kind !== 'file' ? ` (${x.was ? `${x.was} replaced by ` : ''}${x.kind}${x.target !== undefined ? ` -> ${x.target}` : ''})` : ''}${x.restored ? ' (restored)' : ''}${x.note ? `: ${x.note}` : ''}${x.rejected ? `; the edit is kept in ${rejectedFile(x)}` : ''}`,
          'path(s)',
        ).concat(step.source === 'inputs' ? [inputChangeHint(step.paths)] : []),
      };
    case 'ProposerStarted':
      return {
        head: `attempt ${step.attempt}: ${step.proposer} started (pid ${step.pid}, contained by ${step.containment.mode}${step.containment.cgroup ? ` ${step.containment.cgroup}` : ''})`,
        details: [],
      };
    case 'ProposerStopped':
      return { head: `attempt ${step.attempt}: what was left of it (pid ${step.pid}) ${step.alive ? 'was stopped' : 'had already ended'}`, details: [step.reason] };
    case 'RolledBack':
      return {
        head: `rolled back to this run by ${step.by}: the incumbent again (replacing ${step.previous ?? 'none'}), ${step.metric} ${fmt(step.mean)} (n=${step.n})`,
        details: [`why: ${step.why}`, ...(step.restored ? [`restored ${step.restored.files.join(', ')} from ${step.restored.tag} (commit ${step.restored.commit})`] : [])],
      };
    case 'InputsAccepted':
      return { head: `inputs accepted (${step.by}): ${step.files.join(', ')}`, details: [`why: ${step.why}`] };
    case 'CheckpointsPruned':
      return { head: `checkpoints pruned (save_strategy ${step.strategy}): ${step.removed.length} removed`, details: step.kept.map((k) => `kept ${k}`) };
    case 'RunCommitted':
      return {
        head: `${step.recovered ? 'commit found by its tag' : 'committed'} ${step.sha} on ${step.branch} (${step.tag}${step.best ? `; autopilot/best → ${step.best.slice(0, 12)}` : ''})`,
        details: [`message: ${step.message}`, ...step.files.map((f) => `file ${f}`), ...(step.refused ?? []).map((r) => `left out ${r.path}: ${r.why}`)],
      };
    case 'RunCommitFailed':
      return { head: `git commit failed at ${step.step}: ${step.message}`, details: [`hint: ${step.hint}`] };
    case 'ProposalRejected':
      return {
        head: `attempt ${step.attempt} rejected with ${step.errors.length + (step.omitted ?? 0)} error(s)`,
        details: [...step.errors.map((e) => `error: ${errorLine(e)}`), ...(step.omitted ? [`… and ${step.omitted} more error(s), counted but not kept (limits.max_problems)`] : [])],
      };
    case 'ProposalAccepted': {
      const what = step.attempt === 0 ? `${step.proposer} config accepted` : `attempt ${step.attempt} accepted`;
      const norm = step.normalizations.length ? `${step.normalizations.length} normalization(s)` : 'no normalization';
      return {
        head: `${what}: ${step.diff.length} change(s) vs ${step.base}, ${norm}`,
        details: [
          ...step.diff.map((d) => `diff ${d.key}: ${value(d.from)} -> ${value(d.to)}`),
          ...step.normalizations.map((n) => `normalized ${n.key}: ${value(n.before)} -> ${value(n.after)} (${n.rule})`),
        ],
      };
    }
    case 'AttemptPlanned':
      return {
        head: `attempt ${step.attempt} recorded before ${step.resubmission ? 'its resubmission (no job of its first submission was found)' : 'submission'}: Slurm job ${step.job.name}`,
        details: [`submit: ${step.argv.map(shellQuote).join(' ')}`, `script: ${step.job.script} (sha256 ${step.job.scriptSha256})`, `result file: ${step.job.resultFile}`],
      };
    case 'RunStarted':
      return {
        head: `attempt ${step.attempt} launched (${step.launcher}): ${step.job ? `Slurm job ${step.job.id}` : `pid ${step.pid}`}, seed ${step.seed ?? 'n/a'}`,
        details: [`argv: ${step.argv.map(shellQuote).join(' ')}`, `cwd: ${step.cwd}`, `log: ${step.log_path}`],
      };
    case 'RunReattached':
      return {
        head: `attempt ${step.attempt} reattached after a restart: ${step.job_id ? `Slurm job ${step.job_id} (found by ${step.found_by ?? 'id'})` : `pid ${step.pid}`} ${step.alive ? 'was still running' : 'had already ended'}`,
        details: [],
      };
    case 'TrackerRunLinked':
      return { head: `attempt ${step.attempt} logged to ${step.tracker === 'wandb' ? 'Weights & Biases' : 'Neptune'}: ${step.url}`, details: [] };
    case 'RunRequeued':
      return { head: `attempt ${step.attempt} requeued by Slurm: job ${step.job_id} ${step.state} (${step.reason}), restart ${step.restarts}`, details: [] };
    case 'LauncherCommandFailed':
      return {
        head: `${step.command} failed (try ${step.try} of ${step.tries}, exit ${step.exit_code ?? 'none'}): ${step.retry_in_ms === null ? 'no more tries' : `tried again in ${seconds(step.retry_in_ms)}`}`,
        details: [`message: ${step.message}`, `argv: ${step.argv.map(shellQuote).join(' ')}`],
      };
    case 'RunFinished':
      return {
        head: `attempt ${step.attempt} finished: exit ${step.exit_code} after ${seconds(step.duration_ms)} (metrics from ${step.summary_source})`,
        details: [
          `metrics: ${
            Object.entries(step.metrics)
              .map(([k, v]) => `${k} ${fmt(v)}`)
              .join(', ') || '(none)'
          }`,
          ...(Object.keys(step.sample_sizes).length
            ? [
                `samples: ${Object.entries(step.sample_sizes)
                  .map(([k, n]) => `${k} n=${n}`)
                  .join(', ')}`,
              ]
            : []),
        ],
      };
    case 'RunFailed':
      return {
        head: `attempt ${step.attempt} FAILED (${step.reason}): exit ${step.exit_code ?? 'none'}, signal ${step.signal ?? 'none'}, after ${seconds(step.duration_ms)}`,
        details: [`message: ${step.message}`, ...step.tail.map((l) => `output | ${l}`)],
      };
    case 'RunEvaluated': {
      return {
        head: verdictLine(step),
        details: [
          `method: ${step.method} (${step.direction} ${step.metric})${step.seed === null ? '' : `, seed ${step.seed}`}`,
          ...extraLines(step, ['verdict', 'metric', 'direction', 'method', 'candidate', 'incumbent', 'delta', 'seed']),
        ],
      };
    }
    case 'IncumbentChanged':
      return { head: `run ${step.run_id} became the incumbent (${step.metric} ${fmt(step.mean)}, n=${step.n}), replacing ${step.previous ?? 'none'}`, details: [] };
    case 'JournalWritten':
      return {
        head: `journaled as ${step.status}`,
        details: [`action: ${step.action}`, `observation: ${step.observation}`, `outcome: ${step.outcome}`, `next: ${step.next}`],
      };
    case 'LockTakenOver':
      return { head: `pid ${step.pid} took over the workspace lock (previous holder ${step.previous_pid ?? 'unknown'})`, details: [] };
    case 'LoopResumed':
      return { head: `loop resumed by pid ${step.pid} (was in ${step.state})`, details: [] };
    case 'StopRequested':
      return { head: `stop requested (${step.now ? 'now' : 'after the current run'}): ${step.reason}`, details: [] };
    case 'LoopHalted':
      return { head: `loop halted after ${step.runs_completed} run(s): ${step.reason}`, details: [] };
    default:
      return assertNever(step, 'audit step');
  }
}
