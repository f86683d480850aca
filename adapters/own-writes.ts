/**
 * What the orchestrator itself last wrote at each workspace path (a projection, the anchor file),
 * by content hash. While an agent proposes beside runs in flight, the loop keeps writing those
 * files: a path that changed during the agent's step but holds exactly what the orchestrator last
 * wrote there is the orchestrator's doing, not the agent's (see agent-run.ts). Anything else there
 * is still the agent's change, reverted and reported.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { readConfined } from './fs/confined.js';

// Projection files are small; a bigger file at such a path is nobody's write of ours.
const MAX_BYTES = 64 * 1024 * 1024;

// What a path the orchestrator removed is noted as.
const ABSENT = 'absent';

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** The orchestrator's own writes of one workspace. */
export class OwnWrites {
  readonly #hashes = new Map<string, string>();

  /** @param maxBytes the largest file compared (a bigger one at such a path is nobody's write of ours). */
  constructor(
    private readonly workspace: string,
    private readonly maxBytes = MAX_BYTES,
  ) {}

  /** Notes that `content` is what the orchestrator just left at `rel` (workspace-relative). */
  note(rel: string, content: string | Buffer): void {
    this.#hashes.set(rel, sha256(content));
  }

  /** Notes what is at `rel` now, read back (for a file written by appending). */
  noteFile(rel: string): void {
    const read = readConfined(this.workspace, join(this.workspace, rel), this.maxBytes);
    if (read.kind === 'file') this.note(rel, read.bytes);
    else this.#hashes.delete(rel);
  }

  /** Notes that the orchestrator removed `rel`. */
  noteRemoved(rel: string): void {
    this.#hashes.set(rel, ABSENT);
  }

  /** True when `rel` holds, as a plain file read without following links, exactly what the orchestrator last wrote there. */
  holdsOurs(rel: string): boolean {
    const hash = this.#hashes.get(rel);
    if (hash === undefined) return false;
    const read = readConfined(this.workspace, join(this.workspace, rel), this.maxBytes);
    if (read.kind === 'missing') return hash === ABSENT;
    return read.kind === 'file' && sha256(read.bytes) === hash;
  }
}
