/**
 * The workspace inputs a session binds: `autopilot.json`, `policy.json`, both baselines, the prompt
 * template and the trainer's own scripts inside the workspace. `LoopStarted` records each one's
 * hash (and, for small text, its content); afterwards a change that did not come through a command
 * (`autopilot policy set`, `loop --accept-input-changes`) is a violation, and the recorded content
 * is put back — so an agent that widens the policy and kills the loop gains nothing on resume.
 */
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import type { DataOf, InputFile } from '../events/catalogue.js';
import type { Settings } from '../domain/config/settings.js';
import { redactInputText, restoreSecrets } from '../domain/text/inputs-text.js';
import type { RecordedNames } from '../domain/text/secrets.js';
import { inWorkspace, type WorkspacePaths } from './workspace.js';
import { kindConfined, readConfined, removeConfined, writeConfined } from './fs/confined.js';
import { describeKind } from './fs/entry.js';

/** Inputs up to this size are recorded whole (so they can be put back); larger ones by hash only. */
export const INPUT_TEXT_MAX = 256 * 1024;
/** Largest input read to hash it. */
const INPUT_READ_MAX = 64 << 20;

/** The workspace-relative paths a session binds, given its settings. */
export function inputPaths(paths: WorkspacePaths, settings: Settings): string[] {
  const rels = new Set(['autopilot.json', 'policy.json', 'configs/baseline_quick.json', 'configs/baseline_full.json', settings.proposer.prompt]);
  // The trainer's own files inside the workspace (scripts/run_training.sh): what runs is bound too.
  const cwd = inWorkspace(paths, settings.trainer.cwd);
  for (const arg of settings.trainer.command) {
    const abs = join(cwd, arg);
    const rel = relative(paths.root, abs);
    if (rel.startsWith('..') || rel === '' || arg.startsWith('-')) continue;
    try {
      if (kindConfined(paths.root, abs) === 'file') rels.add(rel);
    } catch {
      // not a path inside the workspace
    }
  }
  return [...rels].map((r) => r.split('\\').join('/')).sort();
}

/** An input as it stands on disk; `unsafe` says what stands there when it is not a regular file. */
export type InputState = InputFile & { unsafe?: string };

/** The input at `rel` holding `bytes`, as the log keeps it: the text and its hash, secrets redacted. */
export function inputFile(rel: string, bytes: Buffer, record: RecordedNames = [], mode?: number): InputFile {
  const raw = bytes.toString('utf8');
  const isText = Buffer.from(raw, 'utf8').equals(bytes);
  // What the log keeps holds no secret: the text, and its hash, are of the redacted text.
  const text = isText ? redactInputText(rel, raw, record) : raw;
  const redacted = isText && text !== raw;
  const sha256 = createHash('sha256')
    .update(redacted ? Buffer.from(text, 'utf8') : bytes)
    .digest('hex');
  const keep = isText && bytes.length <= INPUT_TEXT_MAX;
  return {
    path: rel,
    sha256,
    size: bytes.length,
    ...(keep ? { text } : {}),
    ...(redacted ? { redacted: true as const } : {}),
    // A script the trainer command runs must stay executable: its x bits are bound with it.
    ...(mode === undefined ? {} : { executable: (mode & 0o111) !== 0 }),
  };
}

/** Reads one input (never through a link, never a FIFO); secrets in it are redacted (`record`: names kept as they are). */
export function readInput(root: string, rel: string, record: RecordedNames = []): InputState {
  const read = readConfined(root, join(root, rel), INPUT_READ_MAX);
  switch (read.kind) {
    case 'missing':
      return { path: rel, sha256: null, size: 0 };
    case 'unsafe':
      return {
        path: rel,
        sha256: null,
        size: 0,
        unsafe: `${describeKind(read.entry.kind)}${read.entry.target !== undefined ? ` to ${read.entry.target}` : ''}${read.entry.path !== rel ? ` at ${read.entry.path}` : ''}`,
      };
    case 'too-large':
      return { path: rel, sha256: `too-large:${read.size}`, size: read.size };
    case 'file':
      return inputFile(rel, read.bytes, record, read.mode);
    default: {
      const never: never = read;
      throw new Error(`unexpected read ${String(never)}`);
    }
  }
}

/** The inputs as they stand now, for LoopStarted or InputsAccepted (without the `unsafe` marks). */
export function readInputs(root: string, rels: string[], record: RecordedNames = []): InputFile[] {
  return rels.map((rel) => {
    const { unsafe: _unsafe, ...file } = readInput(root, rel, record);
    return file;
  });
}

/** A bound input that no longer matches. */
export interface InputChange {
  bound: InputFile;
  now: InputState;
}

/** The bound inputs that differ on disk now (secret values aside: the log does not keep them). */
export function changedInputs(root: string, bound: ReadonlyMap<string, InputFile>, record: RecordedNames = []): InputChange[] {
  const changes: InputChange[] = [];
  for (const b of bound.values()) {
    const now = readInput(root, b.path, record);
    if (now.unsafe !== undefined || now.sha256 !== b.sha256 || modeChanged(b, now)) changes.push({ bound: b, now });
  }
  return changes;
}

/** Whether the x bits differ from the binding's (bindings recorded before they were kept are not checked). */
function modeChanged(bound: InputFile, now: InputState): boolean {
  return bound.executable !== undefined && now.sha256 !== null && now.executable !== undefined && now.executable !== bound.executable;
}

type ViolationPath = DataOf<'GuardrailViolation'>['paths'][number];

/**
 * Puts each changed input back as it was bound (by replacing its path); says per path what was done.
 * `keep` is called first with each change, to keep what the input was changed to (see rejected-inputs.ts).
 */
export function revertInputs(root: string, changes: InputChange[], keep: (change: InputChange) => Pick<ViolationPath, 'rejected' | 'note'> = () => ({})): ViolationPath[] {
  return changes.map((change) => {
    const kept = keep(change);
    const path = revertInput(root, change);
    const note = [path.note, kept.note].filter((n) => n !== undefined).join('; ');
    return { ...path, ...(note ? { note } : {}), ...(kept.rejected ? { rejected: kept.rejected } : {}) };
  });
}

/** Puts one changed input back as it was bound. */
function revertInput(root: string, { bound, now }: InputChange): ViolationPath {
  const abs = join(root, bound.path);
  const change: ViolationPath['change'] = bound.sha256 === null ? 'created' : now.sha256 === null && now.unsafe === undefined ? 'deleted' : 'modified';
  const was = now.unsafe ? { note: `it was ${now.unsafe}` } : {};
  if (bound.sha256 === null) {
    removeConfined(root, abs);
    return { path: bound.path, change, restored: true, ...was };
  }
  if (bound.text === undefined) {
    // Too large to have been recorded: a link or FIFO is still removed, the content cannot come back.
    if (now.unsafe) removeConfined(root, abs);
    return { path: bound.path, change, restored: false, note: `${now.unsafe ? `it was ${now.unsafe}; ` : ''}too large to have been recorded; not restored` };
  }
  // Secrets the log does not keep come from the file as it is now, pair by pair; without them it cannot be put back.
  const text = bound.redacted ? restoreSecrets(bound.path, bound.text, currentText(root, abs)) : bound.text;
  if (text === null) {
    if (now.unsafe) removeConfined(root, abs);
    return {
      path: bound.path,
      change,
      restored: false,
      note: `${now.unsafe ? `it was ${now.unsafe}; ` : ''}it holds secrets the log does not keep, and the file no longer has them; not restored`,
    };
  }
  // As bound; a binding too old to say keeps what the file is now.
  writeConfined(root, abs, text, { mode: (bound.executable ?? now.executable) ? 0o755 : 0o644 });
  const note = modeChanged(bound, now) && now.sha256 === bound.sha256 ? { note: `its execute permission was ${bound.executable ? 'removed' : 'added'}` } : was;
  return { path: bound.path, change, restored: true, ...note };
}

/** The raw text of an input now, when it is a readable regular file. */
function currentText(root: string, abs: string): string | null {
  const read = readConfined(root, abs, INPUT_READ_MAX);
  return read.kind === 'file' ? read.bytes.toString('utf8') : null;
}
