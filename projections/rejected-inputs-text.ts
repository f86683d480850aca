/**
 * What the console line, the labbook and the audit say of bound inputs put back: where each
 * rejected edit is kept, and how such a change is made so that the session takes it. Pure.
 */
import { blobFileName } from '../events/blobs.js';
import type { DataOf } from '../events/catalogue.js';
import { shownPaths } from '../domain/text/violation-paths.js';

type ViolationPath = DataOf<'GuardrailViolation'>['paths'][number];

/** The workspace-relative file a rejected edit is kept in (null: none was kept). */
export function rejectedFile(p: ViolationPath): string | null {
  return p.rejected ? `blobs/${blobFileName(p.rejected)}` : null;
}

/** `policy.json's edit is kept in blobs/<sha256>.json, …` (empty when nothing was kept). */
export function keptText(paths: readonly ViolationPath[]): string {
  const kept = paths.filter((p) => p.rejected);
  if (kept.length === 0) return '';
  const shown = shownPaths(kept, (p) => `${p.path}'s edit is kept in ${rejectedFile(p)}${p.rejected?.redacted ? ' (secrets redacted)' : ''}`);
  return shown.join(', ');
}

/** How to change the inputs of `paths` the way a session accepts (through a command, recorded with a reason). */
export function inputChangeHint(paths: readonly ViolationPath[]): string {
  const names = [...new Set(paths.map((p) => p.path))];
  const others = names.filter((n) => n !== 'policy.json');
  const hints: string[] = [];
  if (names.includes('policy.json')) hints.push('to change policy.json, stop the loop (autopilot stop) and run autopilot policy set FILE --why "<why>"');
  if (others.length > 0)
    hints.push(
      `to change ${others.length === 1 ? others[0] : 'the others'}, stop the loop (autopilot stop) and edit, then start a new session (it binds the files as they are; a session resumed after a crash takes them with autopilot loop --accept-input-changes "<why>")`,
    );
  return hints.join('; ');
}

/** The kept edits and the hint, as one clause (what follows `reverted`/`detected` on a line). */
export function rejectedClause(paths: readonly ViolationPath[]): string {
  return [keptText(paths), inputChangeHint(paths)].filter((t) => t !== '').join('; ');
}
