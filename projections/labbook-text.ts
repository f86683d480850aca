/** The sentences of the labbook: each entry the view's fold keeps, as the fields of its line. Pure. */
import { describeErrorControl } from '../domain/judging/error-control.js';
import { assertNever } from '../domain/assert-never.js';
import { fmt, runIdOf as pad } from '../domain/text/numbers.js';
import { summarizeProblems } from '../domain/policy/problems.js';
import { shownPaths } from '../domain/text/violation-paths.js';
import { rejectedClause } from './rejected-inputs-text.js';
import type { FallbackFacts, LabbookEntry, LabbookLine } from './labbook-entry.js';

// What the labbook says when the built-in optimizer stands in: how the exhausted proposer's last attempt ended.
function whyFallBack({ from, failure, rejected }: FallbackFacts): string {
  if (failure && (!rejected || failure.attempt >= rejected.attempt)) return `${from} ${failure.reason ?? 'failed'}: ${failure.message}`;
  if (rejected) return `${from} gave no valid proposal; last rejected: ${summarizeProblems(rejected.errors, rejected.omitted).slice(0, 300)}`;
  return `${from} gave no valid proposal`;
}

function violationLine(at: string, d: Extract<LabbookEntry, { type: 'GuardrailViolation' }>['data']): LabbookLine {
  const changed = shownPaths(d.paths, (p) => `${p.path} (${p.change}${p.kind && p.kind !== 'file' ? `, ${p.kind}` : ''})`).join(', ');
  const source = d.source ?? 'proposer';
  return {
    at,
    action:
      source === 'proposer'
        ? `run ${d.runId}: check the workspace after ${d.proposer} (attempt ${d.attempt})`
        : source === 'trainer'
          ? `run ${d.runId}: check the run folder after its trainer (attempt ${d.attempt})`
          : source === 'inputs'
            ? `${d.runId ? `run ${d.runId}: ` : ''}check the session's bound inputs`
            : `${d.runId ? `run ${d.runId}: ` : ''}check a path the loop reads or writes`,
    observation: source === 'proposer' ? `changed outside allowed_paths: ${changed}` : `changed: ${changed}`,
    outcome: `guardrail violation, ${d.action}`,
    next: source === 'proposer' ? 'validate what it proposed' : source === 'inputs' ? `continue with the recorded state; ${rejectedClause(d.paths)}` : 'continue with the recorded state',
  };
}

/** What a rollback installed, in words: the run's sample and, with --restore-inputs, the files put back from its commit. */
export function rollbackObservation(d: Extract<LabbookEntry, { type: 'RolledBack' }>['data']): string {
  const sample = `${d.incumbent.metric} ${fmt(d.incumbent.mean)} (n=${d.incumbent.n})`;
  return d.restored ? `${sample}; restored ${d.restored.files.join(', ')} from ${d.restored.tag} (${d.restored.commit.slice(0, 12)})` : sample;
}

/** The fields of an entry's labbook line. */
export function labbookText(entry: LabbookEntry): LabbookLine {
  const at = entry.at;
  switch (entry.type) {
    case 'LoopStarted': {
      const d = entry.data;
      const inc = d.incumbent ? `incumbent ${d.incumbent.runId} (${d.metric.name} ${fmt(d.incumbent.mean)})` : 'no incumbent yet';
      return {
        at,
        action: `loop ${d.session} started: ${d.runsRequested} ${d.mode} run(s), proposer ${d.proposer}`,
        observation: inc,
        outcome: d.errorControl ? `started; ${describeErrorControl(d.errorControl)}` : 'started',
        next: d.replication
          ? `run ${pad(d.firstRunIndex)} = replicate ${d.replication.done + 1} of ${d.replication.target} of run ${d.replication.parent}, left from the last session`
          : d.incumbent
            ? `propose run ${pad(d.firstRunIndex)}`
            : `run ${pad(d.firstRunIndex)} = baseline`,
      };
    }
    case 'LockTakenOver':
      return {
        at,
        action: `took over the workspace lock (pid ${entry.data.pid})`,
        observation: entry.data.previousPid === null ? 'the lock file was unreadable' : `holder pid ${entry.data.previousPid} was dead`,
        outcome: 'lock taken over',
        next: 'resume or start the loop',
      };
    case 'LoopResumed':
      return {
        at,
        action: `loop ${entry.data.session} resumed (pid ${entry.data.pid})`,
        observation: `state was ${entry.data.state}`,
        outcome: 'resumed',
        next: entry.runsRequested !== null ? `continue towards ${entry.runsRequested} run(s)` : 'continue',
      };
    case 'ProposalRequested':
      return {
        at,
        action: `run ${entry.data.runId}: ask ${entry.data.proposer} instead of ${entry.fallback.from} (attempt ${entry.data.attempt})`,
        observation: whyFallBack(entry.fallback),
        outcome: 'fell back to the built-in proposer',
        next: 'validate its proposal',
      };
    case 'ProposalFailed': {
      const d = entry.data;
      return { at, action: `run ${d.runId}: ask ${d.proposer} for a proposal (attempt ${d.attempt})`, observation: d.message, outcome: 'proposer failed', next: 'ask again or halt' };
    }
    case 'ProposalRejected': {
      const d = entry.data;
      return {
        at,
        action: `run ${d.runId}: validate proposal (attempt ${d.attempt})`,
        observation: summarizeProblems(d.errors, d.omitted),
        outcome: 'rejected',
        next: 'ask the proposer again with the errors',
      };
    }
    case 'RunReattached':
      return {
        at,
        action: `run ${entry.data.runId}: reattach attempt ${entry.data.attempt} (${entry.data.jobId ? `Slurm job ${entry.data.jobId}, found by ${entry.data.foundBy ?? 'id'}` : `pid ${entry.data.pid}`})`,
        observation: entry.data.alive ? 'the trainer was still running' : 'the trainer had ended while no orchestrator watched',
        outcome: 'reattached',
        next: entry.data.alive ? 'follow it to the end' : 'read its recorded exit and summary',
      };
    case 'RunRequeued': {
      const d = entry.data;
      return {
        at,
        action: `run ${d.runId}: attempt ${d.attempt} (Slurm job ${d.jobId})`,
        observation: `Slurm put the job back in the queue: ${d.state} (${d.reason}), restart ${d.restarts}`,
        outcome: 'requeued',
        next: 'follow the job again; the trainer resumes from its latest checkpoint if it supports resume',
      };
    }
    case 'LauncherCommandFailed': {
      const d = entry.data;
      return {
        at,
        action: `${d.runId ? `run ${d.runId}: ` : ''}${d.command} (try ${d.try} of ${d.tries})`,
        observation: d.message,
        outcome: 'Slurm command failed',
        next: d.retryInMs === null ? 'no more tries' : `try again in ${Math.round(d.retryInMs / 1000)}s`,
      };
    }
    case 'JournalWritten': {
      const d = entry.data;
      return { at, action: d.action, observation: d.observation, outcome: d.outcome, next: d.next };
    }
    case 'CheckpointsPruned':
      return {
        at,
        action: `prune checkpoints after run ${entry.data.runId} (save_strategy ${entry.data.strategy})`,
        observation: `${entry.data.removed.length} removed, kept ${entry.data.kept.join(', ') || 'none'}`,
        outcome: 'pruned',
        next: 'continue',
      };
    case 'GuardrailViolation':
      return violationLine(at, entry.data);
    case 'ProposerStopped': {
      const d = entry.data;
      return {
        at,
        action: `run ${d.runId}: stop what is left of proposer attempt ${d.attempt} (pid ${d.pid})`,
        observation: d.reason,
        outcome: d.alive ? 'stopped' : 'nothing was running',
        next: `run attempt ${d.attempt} again`,
      };
    }
    case 'InputsAccepted': {
      const d = entry.data;
      return {
        at,
        action: `accept changed inputs (${d.by})`,
        observation: d.files.map((f) => `${f.path} ${f.sha256 ? f.sha256.slice(0, 12) : 'missing'}`).join(', '),
        outcome: 'inputs accepted',
        next: d.why,
      };
    }
    case 'RolledBack': {
      const d = entry.data;
      return {
        at,
        action: `roll back to run ${d.to} (${d.by})`,
        observation: rollbackObservation(d),
        outcome: `incumbent ${d.to}${d.previous ? `, replacing ${d.previous}` : ''}`,
        next: `propose on run ${d.to}'s config; ${d.why}`,
      };
    }
    case 'StopRequested':
      return {
        at,
        action: entry.data.now ? 'stop now requested' : 'stop requested',
        observation: entry.data.reason,
        outcome: 'stopping',
        next: entry.data.now ? 'kill the running trainer and halt' : 'halt after the current run',
      };
    case 'LoopHalted':
      return {
        at,
        action: `loop ${entry.session} halted`,
        observation: entry.data.reason,
        outcome: `halted after ${entry.data.runsCompleted} run(s)`,
        next: 'fix the cause, then autopilot loop resumes',
      };
    case 'LoopCompleted':
      return {
        at,
        action: `loop ${entry.session} completed`,
        observation: `${entry.data.runsCompleted} run(s)`,
        outcome: entry.data.incumbent ? `incumbent ${entry.data.incumbent}` : 'no incumbent',
        next: 'autopilot loop --runs N continues the history',
      };
    default:
      return assertNever(entry, 'labbook entry');
  }
}
