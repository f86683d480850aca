/**
 * What `autopilot loop` prints per recorded event: a readable line, or a JSON object with --json.
 * The lines carry raw values from the log; whoever prints them escapes them (orchestrator/console.ts,
 * the progress reporter, the replay renderer).
 */
import { verdictText } from '../domain/judging/verdict-text.js';
import type { AutopilotEvent, DataOf } from '../events/catalogue.js';
import { pairedVerdictText } from '../domain/evaluation/verdict-text.js';
import type { StoredEvent } from '../events/store.js';
import { fmt } from '../domain/text/numbers.js';
import { clipText, summarizeProblems } from '../domain/policy/problems.js';
import { fromRecordable } from '../domain/policy/recordable.js';
import { labbookLine } from '../projections/render.js';
import { rollbackObservation } from '../projections/labbook-text.js';
import { jsonText } from '../domain/text/escape.js';
import { shownPaths } from '../domain/text/violation-paths.js';
import { rejectedClause } from '../projections/rejected-inputs-text.js';

/** Keys shown of a proposal's overrides; a proposal of 20,000 keys still prints one short line. */
const BRIEF_KEYS = 8;
/** Longest `key=value` shown. */
const BRIEF_ITEM_CHARS = 80;

function brief(overrides: unknown): string {
  if (typeof overrides !== 'object' || overrides === null) return clipText(String(JSON.stringify(overrides)), BRIEF_ITEM_CHARS);
  const flat: string[] = [];
  let count = 0;
  const walk = (o: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) walk(v as Record<string, unknown>, `${prefix}${k}.`);
      else if (++count <= BRIEF_KEYS) flat.push(clipText(`${prefix}${k}=${typeof v === 'number' ? fmt(v) : JSON.stringify(v)}`, BRIEF_ITEM_CHARS));
    }
  };
  walk(fromRecordable(overrides) as Record<string, unknown>, '');
  return count > BRIEF_KEYS ? `${flat.join(' ')} … and ${count - BRIEF_KEYS} more key(s)` : flat.join(' ');
}

/** Where a session's proposer seed came from, as the loop says it. */
const SEED_SOURCE = { option: 'from --seed', settings: 'from autopilot.json', log: 'as recorded before', drawn: 'drawn for this workspace' } as const;

/** A human-readable line for an event, or null for events not worth a line. */
export function describeEvent(e: AutopilotEvent): string | null {
  switch (e.type) {
    case 'LoopStarted':
      return `loop ${e.data.session}: ${e.data.runsRequested} ${e.data.mode} run(s), proposer ${e.data.proposer}${e.data.proposerSeed ? ` (seed ${e.data.proposerSeed.value}, ${SEED_SOURCE[e.data.proposerSeed.source]})` : ''}; incumbent ${
        e.data.incumbent ? `${e.data.incumbent.runId} (${e.data.metric.name} ${fmt(e.data.incumbent.mean)})` : 'none yet'
      }`;
    case 'LockTakenOver':
      return `took over the stale lock of pid ${e.data.previousPid ?? 'unknown'}`;
    case 'LoopResumed':
      return `loop ${e.data.session}: resuming an unfinished session (was in ${e.data.state})`;
    case 'RunPlanned':
      return `run ${e.data.runId}: planned (${e.data.kind}${e.data.parent ? ` of ${e.data.parent}` : ''})`;
    case 'ProposalReceived':
      // A re-run of a baseline incumbent changes nothing: said, rather than an empty list.
      return `run ${e.data.runId}: ${e.data.proposer} proposed ${brief(e.data.overrides) || 'the baseline config unchanged'}${e.data.seed === null ? '' : ` (seed ${e.data.seed})`}`;
    case 'ProposalFailed':
      return `run ${e.data.runId}: proposer ${e.data.proposer} failed${e.data.reason ? ` (${e.data.reason})` : ''}: ${e.data.message}`;
    case 'ProposalRejected':
      return `run ${e.data.runId}: proposal rejected${e.data.omitted ? ` with ${e.data.errors.length + e.data.omitted} error(s)` : ''}: ${summarizeProblems(e.data.errors, e.data.omitted)}`;
    case 'ProposalAccepted':
      return `run ${e.data.runId}: config accepted, ${e.data.diff.length} change(s) vs ${e.data.base}${
        e.data.normalizations.length ? `, ${e.data.normalizations.length} normalization(s)` : ''
      }`;
    case 'AttemptPlanned':
      return `run ${e.data.runId}: submitting attempt ${e.data.attempt} to Slurm as ${e.data.job.name}${e.data.resubmission ? ' again (no job of the first submission was found)' : ''}`;
    case 'RunStarted':
      return `run ${e.data.runId}: training (attempt ${e.data.attempt}, ${e.data.job ? `Slurm job ${e.data.job.id}` : `pid ${e.data.pid}`}, seed ${e.data.seed ?? 'n/a'})`;
    case 'RunReattached':
      return `run ${e.data.runId}: reattached to attempt ${e.data.attempt} (${e.data.jobId ? `Slurm job ${e.data.jobId}` : `pid ${e.data.pid}`}, ${e.data.alive ? 'still running' : 'already ended'})`;
    case 'RunRequeued':
      return `run ${e.data.runId}: Slurm requeued job ${e.data.jobId} (${e.data.state}, ${e.data.reason}; restart ${e.data.restarts})`;
    case 'LauncherCommandFailed':
      return `${e.data.runId ? `run ${e.data.runId}: ` : ''}${e.data.message} (try ${e.data.try} of ${e.data.tries}${e.data.retryInMs === null ? ', no more tries' : `, again in ${fmt(e.data.retryInMs / 1000)}s`})`;
    case 'TrackerRunLinked':
      return `run ${e.data.runId}: attempt ${e.data.attempt} logs to ${e.data.tracker === 'wandb' ? 'Weights & Biases' : 'Neptune'} at ${e.data.url}`;
    case 'RunProgress': {
      const m = e.data.metrics;
      const steps = m.agent_steps === undefined ? '' : `step ${m.agent_steps}${m.total_timesteps ? `/${m.total_timesteps}` : ''}`;
      const rest = Object.entries(m)
        .filter(([k]) => k !== 'agent_steps' && k !== 'total_timesteps')
        .slice(0, 4)
        .map(([k, v]) => `${k} ${fmt(v)}`);
      return `run ${e.data.runId}: ${[steps, ...rest].filter(Boolean).join(', ')}`;
    }
    case 'RunFinished':
      return `run ${e.data.runId}: finished in ${fmt(e.data.durationMs / 1000)}s (${e.data.summarySource}): ${Object.entries(e.data.metrics)
        .sort(([a], [b]) => Number(b === 'mean_reward' || b === 'score') - Number(a === 'mean_reward' || a === 'score'))
        .slice(0, 4)
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(', ')}`;
    case 'RunFailed':
      return `run ${e.data.runId}: attempt ${e.data.attempt} FAILED (${e.data.reason}${e.data.exitCode === null ? '' : `, exit ${e.data.exitCode}`}${
        e.data.signal ? `, ${e.data.signal}` : ''
      }): ${e.data.message}`;
    case 'RunEvaluated':
      // A re-run of the incumbent is judged against nothing: its values join the incumbent's.
      if (e.data.incumbent === null && e.data.method.startsWith('none (a re-run of the incumbent'))
        return `run ${e.data.runId}: ${e.data.method.slice('none ('.length, -1)}: ${e.data.metric} ${fmt(e.data.candidate.mean)} (n=${e.data.candidate.n})`;
      return `run ${e.data.runId}: ${verdictText(e.data, { style: 'labbook' })}`;
    case 'IncumbentChanged':
      return e.data.previous === e.data.runId
        ? `run ${e.data.runId}: incumbent re-measured: ${e.data.incumbent.metric} ${fmt(e.data.incumbent.mean)} (n=${e.data.incumbent.n})`
        : `run ${e.data.runId}: new incumbent (${e.data.incumbent.metric} ${fmt(e.data.incumbent.mean)})`;
    case 'JournalWritten':
      return `labbook ${labbookLine({ at: e.metadata.at, ...e.data })}`;
    case 'CheckpointsIndexed':
      return e.data.checkpoints.length || e.data.skipped?.length
        ? `run ${e.data.runId}: indexed ${e.data.checkpoints.length} checkpoint(s) from ${e.data.dir}${e.data.skipped?.length ? `, skipped ${e.data.skipped.length}` : ''}`
        : null;
    case 'RunCommitted':
      return `run ${e.data.runId}: ${e.data.recovered ? 'commit found by its tag' : 'committed'} ${e.data.sha.slice(0, 12)} (${e.data.tag}${e.data.best ? ', autopilot/best' : ''})`;
    case 'RunCommitFailed':
      return `run ${e.data.runId}: git commit failed (${e.data.step}): ${e.data.message}; ${e.data.hint}`;
    case 'CheckpointsPruned':
      return e.data.removed.length ? `run ${e.data.runId}: pruned ${e.data.removed.length} checkpoint(s) (save_strategy ${e.data.strategy})` : null;
    case 'GuardrailViolation': {
      const d = e.data;
      const where = d.runId ? `run ${d.runId}: ` : '';
      const paths = shownPaths(d.paths, (p) => `${p.path}${p.kind && p.kind !== 'file' ? ` (${p.kind})` : ''}`).join(', ');
      switch (d.source ?? 'proposer') {
        case 'proposer':
          return `${where}GUARDRAIL ${d.proposer} changed ${paths} outside allowed_paths; ${d.action}`;
        case 'trainer':
          return `${where}GUARDRAIL the trainer changed ${paths}; ${d.action}`;
        case 'inputs':
          return `${where}GUARDRAIL bound inputs changed without a command: ${paths}; ${d.action}; ${rejectedClause(d.paths)}`;
        case 'workspace':
          return `${where}GUARDRAIL unsafe entry where the loop reads or writes: ${paths}; ${d.action}`;
      }
      return null;
    }
    case 'ProposerStopped':
      return `run ${e.data.runId}: stopped what was left of proposer attempt ${e.data.attempt} (pid ${e.data.pid}${e.data.alive ? '' : ', already gone'}): ${e.data.reason}`;
    case 'InputsAccepted':
      return `inputs accepted (${e.data.by}): ${e.data.files.map((f) => f.path).join(', ')}: ${e.data.why}`;
    case 'RolledBack':
      return `rolled back to run ${e.data.to} (${e.data.by}): ${rollbackObservation(e.data)}: ${e.data.why}`;
    case 'ProposerStarted':
      return null;
    case 'StopRequested':
      return `stop requested (${e.data.now ? 'now' : 'after the current run'}): ${e.data.reason}`;
    case 'LoopHalted':
      return `loop halted: ${e.data.reason}`;
    case 'LoopCompleted':
      return `loop completed: ${e.data.runsCompleted} run(s)`;
    case 'ProposalRequested':
    case 'StateEntered':
      return null;
    case 'EvaluationPlanned':
      return `evaluation ${e.data.evaluationId}${e.data.by === 'promotion' ? ` (confirming the promotion of run ${e.data.targets[0]?.runId ?? '?'})` : ''}: ${e.data.targets.map((t) => `${t.spec} (${t.checkpoint})`).join(' vs ')} on held-out seeds ${e.data.seeds.first}–${e.data.seeds.first + e.data.seeds.count - 1}`;
    case 'EvaluatorJobPlanned':
      return `evaluation ${e.data.evaluationId}: submitting the evaluator of ${e.data.target} to Slurm as ${e.data.job.name}`;
    case 'EvaluatorStarted':
      return `evaluation ${e.data.evaluationId}: evaluator of ${e.data.target} started (${e.data.launcher === 'slurm' ? `Slurm job ${e.data.job.id}` : `pid ${e.data.pid}`})`;
    case 'EvaluationFinished':
      return `evaluation ${e.data.evaluationId}: ${evaluationResultText(e.data)}`;
    case 'EvaluationFailed':
      return `evaluation ${e.data.evaluationId} failed${e.data.target ? ` (${e.data.target})` : ''}, ${e.data.reason}: ${e.data.message}`;
  }
}

/** A finished evaluation in a few words: the paired verdict, or the one checkpoint's mean. */
function evaluationResultText(d: DataOf<'EvaluationFinished'>): string {
  const label = (r: DataOf<'EvaluationFinished'>['results'][number]) => `run ${r.runId} (${r.checkpoint.slice(r.checkpoint.lastIndexOf('/') + 1)})`;
  const [first, second] = d.results;
  if (d.paired && second) return pairedVerdictText(d.paired, label(first!), label(second), 'the metric');
  const s = first!.samples;
  return `${label(first!)}: mean ${fmt(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length))} over ${s.length} held-out seeds`;
}

/** Lines printed under an event's line: a failed attempt's last output (the reason is usually there: a traceback, "CUDA error: no device found"). */
export function detailLines(e: AutopilotEvent): string[] {
  return e.type === 'RunFailed' ? (e.data.tail ?? []).map((l) => `  | ${l}`) : [];
}

/** The JSON line for an event (`--json`), its text escaped by `jsonText` (it parses back to the raw values). */
export function eventJson(stored: StoredEvent<AutopilotEvent>): string {
  return jsonText({ seq: stored.seq, stream: stored.streamId, type: stored.event.type, at: stored.event.metadata.at, data: stored.event.data });
}
