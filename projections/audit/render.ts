/** The human-readable audit of a run: a summary, then every step in log order under phase headings. Pure. */
import { assertNever } from '../../domain/assert-never.js';
import { fmt } from '../../domain/text/numbers.js';
import { textOfLines } from '../../domain/text/escape.js';
import { utc } from '../render.js';
import { describe, verdictLine } from './step-text.js';
import { trackerLine } from './tracker-line.js';
import type { AuditStep, RunAudit } from './steps.js';

/** The heading a step is printed under. */
function heading(step: AuditStep): string {
  switch (step.type) {
    case 'RunPlanned':
      return 'Plan';
    case 'ProposalRequested':
    case 'ProposalReceived':
    case 'ProposalFailed':
    case 'ProposalRejected':
    case 'ProposalAccepted':
    case 'GuardrailViolation':
    case 'ProposerStarted':
    case 'ProposerStopped':
      return 'Proposal and validation';
    case 'AttemptPlanned':
    case 'RunStarted':
    case 'RunReattached':
    case 'RunRequeued':
    case 'TrackerRunLinked':
    case 'LauncherCommandFailed':
    case 'RunFinished':
    case 'RunFailed':
      return 'Training';
    case 'RunEvaluated':
      return 'Evaluation';
    case 'IncumbentChanged':
    case 'RolledBack':
      return 'Incumbent';
    case 'JournalWritten':
    case 'CheckpointsPruned':
    case 'RunCommitted':
    case 'RunCommitFailed':
      return 'Journal';
    case 'LockTakenOver':
    case 'LoopResumed':
    case 'StopRequested':
    case 'LoopHalted':
    case 'InputsAccepted':
      return 'Loop';
    default:
      return assertNever(step, 'audit step');
  }
}

function incumbentLine(a: RunAudit): string {
  const rollback = a.steps.filter((s) => s.type === 'RolledBack').at(-1);
  if (rollback) return `run ${a.run_id} was made the incumbent again by a rollback (${rollback.by}, replacing ${rollback.previous ?? 'none'}) at #${rollback.seq}`;
  if (a.incumbent_change) return `run ${a.run_id} became the incumbent (replacing ${a.incumbent_change.previous ?? 'none'}) at #${a.incumbent_change.seq}`;
  if (a.verdict?.incumbent) return `unchanged: run ${a.verdict.incumbent.run_id} stays the incumbent`;
  return a.journal ? 'unchanged' : 'not decided yet';
}

/** The human-readable audit: a summary, then every step in log order under phase headings (each line escaped: a value cannot forge one). */
export function renderAudit(a: RunAudit): string {
  const lines: string[] = [];
  const session = a.session ? `session ${a.session.session}` : 'unknown session';
  lines.push(`Audit of run ${a.run_id} (${a.kind}, ${a.mode} mode, ${session}): ${a.status}`);
  const p = a.proposer;
  const who = p ? [p.kind, p.seed === null ? null : `seed ${p.seed}`, p.model && `model ${p.model}`, p.agent && `agent ${p.agent}`].filter(Boolean).join(', ') : 'none yet';
  lines.push(`  proposer:   ${who}`);
  lines.push(`  rationale:  ${a.rationale ?? '(none yet)'}`);
  lines.push(`  hypothesis: ${a.hypothesis ?? '(none yet)'}`);
  lines.push(`  base:       ${a.base === null ? 'not accepted yet' : `${a.base} (${a.diff.length} change(s))`}`);
  lines.push(`  outcome:    ${a.outcome ? describe(a.outcome).head : 'none yet'}`);
  lines.push(`  verdict:    ${a.verdict ? verdictLine(a.verdict) : 'none yet'}`);
  lines.push(`  incumbent:  ${incumbentLine(a)}`);
  const tracked = a.steps.filter((s) => s.type === 'TrackerRunLinked').at(-1);
  if (tracked) lines.push(trackerLine(tracked.url));
  let current: string | null = null;
  const width = String(a.steps.at(-1)?.seq ?? 0).length;
  for (const step of a.steps) {
    const h = heading(step);
    if (h !== current) {
      lines.push('', h);
      current = h;
    }
    const prefix = `  #${String(step.seq).padEnd(width)}  ${utc(step.at)}  ${step.type.padEnd(17)}  `;
    const { head, details } = describe(step);
    lines.push(prefix + head);
    for (const d of details) lines.push(' '.repeat(prefix.length + 2) + d);
    if (step.type === 'RunStarted') {
      const l = a.launches.find((x) => x.seq === step.seq);
      if (l && l.progress_events > 0 && l.last_progress)
        lines.push(
          `${' '.repeat(prefix.length + 2)}progress: ${l.progress_events} report(s), last ${Object.entries(l.last_progress)
            .map(([k, v]) => `${k} ${fmt(v)}`)
            .join(', ')}`,
        );
    }
  }
  return textOfLines(lines);
}
