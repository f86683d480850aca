/**
 * The audit trail of `propose` calls (env AUTOPILOT_MCP_LOG): one JSON line per call, so the loop's
 * proposer adapter can record every answer the agent tried, not only the one it left in the file.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import { toRecordable } from '../../domain/recordable.js';
import type { ValidationError } from '../../domain/validation-error.js';

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

/**
 * The audit log at `path`, or null when `path` is unset. Throws when it is not absolute (the
 * server's working directory is the agent's, so a relative path would land somewhere unexpected).
 * A failed append is reported through `warn` and never fails the call: the proposal file stays
 * the loop's input either way.
 */
export function openAuditLog(path: string | undefined, warn: (line: string) => void, now: () => Date = () => new Date()): AuditLog | null {
  if (path === undefined || path === '') return null;
  if (!isAbsolute(path)) throw new Error(`AUTOPILOT_MCP_LOG must be an absolute file path, got ${JSON.stringify(path)}`);
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
        mkdirSync(dirname(path), { recursive: true });
        appendFileSync(path, `${JSON.stringify(line)}\n`);
      } catch (error) {
        warn(`could not append to AUTOPILOT_MCP_LOG ${path}: ${(error as Error).message}`);
      }
    },
  };
}
