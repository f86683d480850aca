/**
 * The audit trail of `propose` calls (env AUTOPILOT_MCP_LOG): one JSON line per call, so the loop's
 * proposer adapter can record every answer the agent tried, not only the one it left in the file.
 * The file is inside the workspace, where the agent can reach it: its folder is held open from the
 * first call on (never reached through a link) and each line is appended by {@link appendOwnFile}.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute } from 'node:path';
import { toRecordable } from '../../domain/policy/recordable.js';
import type { ValidationError } from '../../domain/policy/validation-error.js';
import { holdDirConfined, OutsideRootError, relativeTo, type HeldDir } from '../fs/confined.js';
import { appendOwnFile } from './append-file.js';
import { AutopilotError } from '../../domain/errors.js';

/** One line of the audit log. `errors` (the catalogue's ValidationError shape) is present when `ok` is false. */
export interface AuditLine {
  at: string;
  ok: boolean;
  errors?: ValidationError[];
  overrides: unknown;
  rationale: unknown;
  hypothesis: unknown;
}

/** Appends {@link AuditLine}s to one file. */
export interface AuditLog {
  readonly path: string;
  /** Records one call: its arguments as received, and its errors (null when it was accepted). */
  record(args: Record<string, unknown>, errors: readonly ValidationError[] | null): void;
}

/** An AUTOPILOT_MCP_LOG the server will not write (relative, or outside the workspace): `autopilot mcp` exits 2. */
function auditLogPathError(problem: string): AutopilotError {
  return new AutopilotError('audit-log-path', problem, { scope: 'mcp', key: 'AUTOPILOT_MCP_LOG' });
}

/**
 * The audit log at `path`, or null when `path` is unset. Throws an `audit-log-path` {@link AutopilotError} when it
 * is not an absolute path inside workspace `root` (the server's working directory is the agent's,
 * and a log elsewhere would let an agent have the server append to any file its user can write).
 * A failed append is reported through `warn` and never fails the call: the proposal file stays
 * the loop's input either way; so is an entry moved aside to make room for the log.
 */
export function openAuditLog(path: string | undefined, root: string, warn: (line: string) => void, now: () => Date = () => new Date()): AuditLog | null {
  if (path === undefined || path === '') return null;
  if (!isAbsolute(path)) throw auditLogPathError(`AUTOPILOT_MCP_LOG must be an absolute file path inside the workspace ${root}, got ${JSON.stringify(path)}`);
  let rel: string;
  try {
    rel = relativeTo(root, path);
  } catch (error) {
    if (!(error instanceof OutsideRootError)) throw error;
    throw auditLogPathError(`AUTOPILOT_MCP_LOG ${path} is not inside the workspace ${root}: it must name a file in it (the loop sets logs/<run>.proposer-<n>.mcp.jsonl)`);
  }
  // Held from its first use on: a logs/ folder the agent later swaps for a link gets nothing written where it points.
  let folder: HeldDir | null = null;
  const held = (): HeldDir => {
    if (folder) return folder;
    // A missing workspace is the agent's to hear about from the tools; the log does not create it.
    if (!existsSync(root)) throw new Error(`the workspace ${root} does not exist`);
    folder = holdDirConfined(root, dirname(path));
    for (const u of folder.unsafe)
      warn(`${u.path} was ${u.kind === 'symlink' ? `a symlink${u.target !== undefined ? ` to ${u.target}` : ''}` : `a ${u.kind}`}, not a directory: replaced by one, never followed`);
    return folder;
  };
  return {
    path,
    record(args, errors) {
      const line: AuditLine = {
        at: now().toISOString(),
        ok: errors === null,
        ...(errors === null ? {} : { errors: errors.map((e) => ({ ...e, value: toRecordable(e.value) })) }),
        // As received, JSON-safe (a missing field is recorded as null).
        overrides: toRecordable(args['overrides'] ?? null),
        rationale: toRecordable(args['rationale'] ?? null),
        hypothesis: toRecordable(args['hypothesis'] ?? null),
      };
      try {
        const moved = appendOwnFile(held().path, basename(rel), `${JSON.stringify(line)}\n`, now);
        if (moved) warn(`AUTOPILOT_MCP_LOG ${path} was ${moved.what}, not a file of its own: nothing was written through it; moved it to ${moved.to} and started a fresh log`);
      } catch (error) {
        warn(`could not append to AUTOPILOT_MCP_LOG ${path}: ${(error as Error).message}`);
      }
    },
  };
}
