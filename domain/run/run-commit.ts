/**
 * What the git commit of a journaled run says (issue 19): its tag, and a message such as
 * `autopilot: run 007 (builtin) learning_rate 0.003 ent_coef 0.08 — improved: +12.1 [4.0, 20.3] vs
 * 004 (n=32/32)`, with trailers by which a restarted loop knows its own commit. Pure.
 */
import type { DataOf } from '../../events/catalogue.js';
import { verdictText } from '../judging/verdict-text.js';
import { escapeText } from '../text/escape.js';
import { fmt } from '../text/numbers.js';

/** Override keys named in the subject line before the rest are counted. */
const SUBJECT_KEYS = 6;

/** The trailer naming the JournalWritten event (by its chain hash) a commit was made for. */
export const EVENT_TRAILER = 'Autopilot-Event';

/** The tag of run `runId`'s commit. */
export function runTag(runId: string): string {
  return `autopilot/run-${runId}`;
}

/** What a run's commit message is made of, as the log recorded it. */
export interface RunCommitFacts {
  runId: string;
  session: string;
  kind: 'baseline' | 'proposal' | 'replicate';
  parent: string | null;
  proposer: string | null;
  override: Record<string, number | string | boolean>;
  evaluation: Omit<DataOf<'RunEvaluated'>, 'runId'> | null;
  journal: Omit<DataOf<'JournalWritten'>, 'runId'>;
  /** The chain hash of the run's JournalWritten. */
  eventHash: string;
}

/** The commit message: one subject line, the journal's sentences, and the trailers. */
export function runCommitMessage(f: RunCommitFacts): string {
  const who = f.kind === 'replicate' && f.parent ? `replicate of ${f.parent}` : (f.proposer ?? f.kind);
  const keys = Object.keys(f.override).sort();
  const shown = keys.slice(0, SUBJECT_KEYS).map((k) => `${k.split('.').at(-1)} ${value(f.override[k]!)}`);
  if (keys.length > SUBJECT_KEYS) shown.push(`+${keys.length - SUBJECT_KEYS} more`);
  const outcome = f.journal.status === 'failed' || !f.evaluation ? f.journal.outcome : verdictText(f.evaluation, { style: 'labbook' });
  const subject = [`autopilot: run ${f.runId} (${who})`, ...shown, '—', outcome].join(' ');
  const body = [`action: ${f.journal.action}`, `observation: ${f.journal.observation}`, `outcome: ${f.journal.outcome}`, `next: ${f.journal.next}`];
  const trailers = [`Autopilot-Run: ${f.runId}`, `Autopilot-Session: ${f.session}`, `${EVENT_TRAILER}: ${f.eventHash}`];
  return `${[oneLine(subject), '', ...body.map(oneLine), '', ...trailers].join('\n')}\n`;
}

/** Whether `message` is the commit made for the JournalWritten with chain hash `eventHash`. */
export function isCommitFor(message: string, eventHash: string): boolean {
  return message.split('\n').includes(`${EVENT_TRAILER}: ${eventHash}`);
}

function value(v: number | string | boolean): string {
  return typeof v === 'number' ? fmt(v) : String(v);
}

// Values come from the log: a newline or control character in one must not start a line of its own.
function oneLine(text: string): string {
  return escapeText(text.replace(/\s*\n\s*/g, ' '));
}
