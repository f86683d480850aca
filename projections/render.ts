/**
 * Renders the workspace view into the projection files, as `relative path → content`.
 * Pure: the same view gives the same bytes, which is what makes `autopilot rebuild` exact.
 * Values from the log are escaped (domain/text/escape.ts): the text files hold printable text and
 * their own newlines only, the JSON files `\uXXXX` for every control character.
 */
import type { RunView, WorkspaceView } from './view.js';
import type { LabbookEntry, LabbookLine } from './labbook-entry.js';
import { labbookText } from './labbook-text.js';
import { checkpointPointers, type CheckpointPointer } from './view.js';
import { CHECKPOINT_INDEX_FILE, renderCheckpointIndex } from './checkpoint-index.js';
import { renderEvaluations } from './evaluations.js';
import { escapeText, jsonText, textOfLines } from '../domain/text/escape.js';

/** The checkpoint pointers the projection keeps under models/. */
export const MODEL_POINTERS = ['models/latest.json', 'models/best.json'] as const;

/** Files every run folder gets from the log (trainer outputs live beside them). */
export const RUN_PROJECTION_FILES = ['run.json', 'config.json', 'override.json', 'config_diff.json', 'summary.json', 'notes.txt'] as const;

function json(value: unknown): string {
  return `${jsonText(value, 2)}\n`;
}

function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '/');
}

/** `2026-11-28T22:50:01.123Z` → `2026-11-28 22:50:01Z`. */
export function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}

/** One labbook line: `- <UTC time> | action | observation | outcome | next` (line breaks in a field folded to a space, other controls escaped). */
export function labbookLine(l: LabbookLine): string {
  return escapeText(`- ${utc(l.at)} | ${cell(l.action)} | ${cell(l.observation)} | ${cell(l.outcome)} | ${cell(l.next)}`);
}

/** The labbook line of an entry the view's fold kept. */
export function labbookEntryLine(entry: LabbookEntry): string {
  return labbookLine(labbookText(entry));
}

/** The labbook's first lines, before the entries. */
export const LABBOOK_HEAD = '# Labbook\n\nOne line per action: `- <UTC time> | action | observation | outcome | next`. Rebuilt from `events.db`.\n\n';

/** `journal/labbook.md`. */
export function renderLabbook(view: WorkspaceView): string {
  return LABBOOK_HEAD + view.labbook.map((l) => `${labbookEntryLine(l)}\n`).join('');
}

/** `journal/labbook.md` from its lines, each already rendered as `${labbookLine(l)}\n` (equal to {@link renderLabbook}). */
export function renderLabbookFromLines(lines: readonly string[]): string {
  return LABBOOK_HEAD + lines.join('');
}

function status(r: RunView): string {
  if (r.journal) return r.journal.status;
  if (r.interrupted) return 'interrupted';
  if (r.finished) return 'finished';
  const last = r.launches.at(-1);
  if (last?.outcome === 'running') return 'running';
  if (r.failures.length > 0) return 'failed';
  if (r.accepted) return 'accepted';
  return 'proposing';
}

function proposalOf(r: RunView) {
  return r.proposals.find((p) => p.result === 'accepted') ?? null;
}

/** `runs/<id>/run.json`. */
export function renderRunJson(r: RunView): string {
  const p = proposalOf(r);
  return json({
    run_id: r.runId,
    session: r.session,
    kind: r.kind,
    ...(r.parent ? { parent: r.parent } : {}),
    mode: r.mode,
    status: status(r),
    planned_at: r.plannedAt,
    proposer: r.accepted?.proposer ?? null,
    proposer_seed: p?.seed ?? null,
    base: r.accepted?.base ?? null,
    seed: r.launches.at(-1)?.seed ?? null,
    attempts: r.launches.map((l) => ({
      attempt: l.attempt,
      pid: l.pid,
      argv: l.argv,
      cwd: l.cwd,
      seed: l.seed,
      log: l.logPath,
      started_at: l.startedAt,
      ended_at: l.endedAt,
      outcome: l.outcome,
      exit_code: l.exitCode,
      signal: l.signal,
      reason: l.reason,
      duration_ms: l.durationMs,
    })),
    started_at: r.launches[0]?.startedAt ?? null,
    finished_at: r.journal?.at ?? null,
  });
}

/** `runs/<id>/summary.json`: outcome, metrics and verdict. */
export function renderSummary(r: RunView): string {
  const lastFailure = r.failures.at(-1) ?? null;
  const tracked = r.launches.filter((l) => l.tracker).at(-1);
  return json({
    run_id: r.runId,
    status: status(r),
    // The tracker run (W&B, Neptune) of the last attempt that printed one.
    ...(tracked?.tracker ? { tracker: { ...tracked.tracker, attempt: tracked.attempt } } : {}),
    summary_source: r.finished?.summarySource ?? 'none',
    metrics: r.finished?.metrics ?? null,
    samples_n: r.finished ? Object.fromEntries(Object.entries(r.finished.samples).map(([k, v]) => [k, v.length])) : null,
    failure: r.finished
      ? null
      : lastFailure && {
          reason: lastFailure.reason,
          exit_code: lastFailure.exitCode,
          signal: lastFailure.signal,
          message: lastFailure.message,
          attempt: lastFailure.attempt,
          tail: lastFailure.tail ?? [],
        },
    evaluation: r.evaluation && {
      metric: r.evaluation.metric,
      direction: r.evaluation.direction,
      verdict: r.evaluation.verdict,
      method: r.evaluation.method,
      candidate: r.evaluation.candidate,
      incumbent: r.evaluation.incumbent,
      delta: r.evaluation.delta,
      seed: r.evaluation.seed,
      alpha: r.evaluation.alpha ?? null,
      sidedness: r.evaluation.sidedness ?? null,
      resamples: r.evaluation.resamples ?? null,
      interval: r.evaluation.interval ?? null,
      welch: r.evaluation.welch ?? null,
      ...(r.evaluation.reason ? { reason: r.evaluation.reason } : {}),
      ...(r.evaluation.pooled ? { pooled: r.evaluation.pooled } : {}),
    },
    ...(r.journal?.replication ? { replication: r.journal.replication } : {}),
  });
}

/** `runs/<id>/notes.txt`: the why and the what of one run, in prose. */
export function renderRunNotes(r: RunView): string {
  const p = proposalOf(r);
  const lines = [`Run ${r.runId} (${r.kind}, ${r.mode} mode)`];
  if (p) {
    lines.push(`Proposed by ${p.proposer}${p.seed === null ? '' : ` (seed ${p.seed})`}.`);
    lines.push(`Hypothesis: ${p.hypothesis}`, `Rationale: ${p.rationale}`);
  } else if (r.kind === 'baseline') {
    lines.push('Baseline config, unchanged.');
  }
  if (r.parent) lines.push(`Replicate of run ${r.parent}, under a fresh seed.`);
  if (r.accepted) {
    const changes = r.accepted.diff.map((c) => `${c.key}: ${String(c.from)} -> ${String(c.to)}`);
    lines.push(`Changes vs ${r.accepted.base}: ${changes.length ? changes.join(', ') : 'none'}`);
  }
  if (r.journal) lines.push(`Result: ${r.journal.observation}`, `Outcome: ${r.journal.outcome}`);
  return textOfLines(lines);
}

/** The notes' first lines, before the sections. */
export const NOTES_HEAD = '# Notes\n\nOne section per run, rebuilt from `events.db`.\n';

/** The section of `journal/notes.md` for one run, or null when it has none. It depends on that run alone. */
export function renderNotesSection(r: RunView): string | null {
  return notesSection(r, renderRunNotes(r));
}

/** `journal/notes.md` from the sections of the runs, in run order (equal to {@link renderNotes}). */
export function renderNotesFromSections(sections: Iterable<string | null>): string {
  const parts = [NOTES_HEAD];
  for (const section of sections) if (section !== null) parts.push(section);
  return parts.join('');
}

/** The section of `journal/notes.md` for a run whose `notes.txt` is `runNotes`, or null when it has none. */
function notesSection(r: RunView, runNotes: string): string | null {
  if (!r.accepted && r.proposals.length === 0 && r.proposalFailures.length === 0) return null;
  const body = runNotes
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((l) => `- ${l}`)
    .join('\n');
  return `\n## Run ${r.runId}: ${status(r)}\n\n${body}\n`;
}

/** `journal/notes.md`: a section per run. */
export function renderNotes(view: WorkspaceView): string {
  const sections: (string | null)[] = [];
  for (const r of view.runs.values()) sections.push(renderNotesSection(r));
  return renderNotesFromSections(sections);
}

/** `runs/best.json`: the incumbent. */
export function renderBest(view: WorkspaceView): string {
  const inc = view.incumbent;
  if (!inc) return json({ run_id: null });
  const r = view.runs.get(inc.ref.runId);
  return json({
    run_id: inc.ref.runId,
    metric: inc.ref.metric,
    mean: inc.ref.mean,
    n: inc.ref.n,
    previous: inc.previous,
    changed_at: inc.changedAt,
    override: inc.ref.override,
    config: r?.accepted?.config ?? null,
  });
}

/** `proposals/run_N.json`: every proposal made for a run, archived. */
export function renderProposalArchive(r: RunView): string {
  return json({
    run_id: r.runId,
    proposals: r.proposals.map((p) => ({
      attempt: p.attempt,
      proposer: p.proposer,
      seed: p.seed,
      received_at: p.receivedAt,
      overrides: p.overrides,
      rationale: p.rationale,
      hypothesis: p.hypothesis,
      result: p.result,
      errors: p.errors,
      // Only when the cap left some out, so earlier archives render unchanged.
      ...(p.omitted > 0 ? { errors_omitted: p.omitted } : {}),
    })),
  });
}

/** Adds the files of one run to `files`; `notes` is its `notes.txt` ({@link renderRunNotes}). */
function addRunFiles(files: Map<string, string>, r: RunView, notes: string): void {
  const dir = `runs/${r.runId}`;
  files.set(`${dir}/run.json`, renderRunJson(r));
  if (r.accepted) {
    files.set(`${dir}/config.json`, json(r.accepted.config));
    files.set(`${dir}/override.json`, json(r.accepted.override));
    files.set(`${dir}/config_diff.json`, json({ base: r.accepted.base, changes: r.accepted.diff, normalizations: r.accepted.normalizations }));
  }
  if (r.finished || r.failures.length > 0) files.set(`${dir}/summary.json`, renderSummary(r));
  files.set(`${dir}/notes.txt`, notes);
  if (r.proposals.length > 0) files.set(`proposals/run_${r.runId}.json`, renderProposalArchive(r));
  const index = renderCheckpointIndex(r);
  if (index !== null) files.set(`${dir}/${CHECKPOINT_INDEX_FILE}`, index);
}

/** Files of one run (only those the log already has content for). */
export function renderRunFiles(r: RunView): Map<string, string> {
  const files = new Map<string, string>();
  addRunFiles(files, r, renderRunNotes(r));
  return files;
}

/** `models/latest.json` and `models/best.json`: the checkpoints `resume_from: latest|best` uses (present once a run saved one). */
export function renderModelPointers(view: WorkspaceView): Map<string, string> {
  const files = new Map<string, string>();
  const { latest, best } = checkpointPointers(view);
  if (latest) files.set('models/latest.json', json(pointerJson(latest)));
  if (best) files.set('models/best.json', json(pointerJson(best)));
  return files;
}

// The hash and step only for an indexed checkpoint, so pointers of earlier logs render unchanged.
function pointerJson(p: CheckpointPointer): object {
  return { run_id: p.runId, checkpoint: p.path, ...(p.sha256 ? { sha256: p.sha256, step: p.step ?? null } : {}) };
}

/** Every projection file of the workspace (each run's notes rendered once, for its folder and for notes.md). */
export function renderAll(view: WorkspaceView): Map<string, string> {
  const files = new Map<string, string>();
  files.set('journal/labbook.md', renderLabbook(view));
  files.set('journal/notes.md', ''); // filled in below; set now to keep the order of the keys
  files.set('runs/best.json', renderBest(view));
  const sections: (string | null)[] = [];
  for (const r of view.runs.values()) {
    const runNotes = renderRunNotes(r);
    addRunFiles(files, r, runNotes);
    sections.push(notesSection(r, runNotes));
  }
  files.set('journal/notes.md', renderNotesFromSections(sections));
  for (const [k, v] of renderModelPointers(view)) files.set(k, v);
  for (const [k, v] of renderEvaluations(view.evaluations)) files.set(k, v);
  return files;
}
