/**
 * A bound input changed without a command is put back; what it was changed to is kept first, so a
 * user's edit (or an agent's, as evidence) is not lost. It goes to the workspace's blob store, as
 * `blobs/<sha256>.json` holding the text itself, and the GuardrailViolation names the sha256.
 *
 * Why the blob store and not a side file (`policy.json.rejected-<time>`) next to the input: the
 * blob's name is its hash, never a name derived from the workspace; the store already refuses to
 * write through a planted link or FIFO (O_EXCL|O_NOFOLLOW temp file, renamed into place, its folder
 * checked not to be a link); the hash chain covers the reference, so `verify` can tell an altered
 * copy; the same edit kept twice is one file; and nothing new appears among the files the agent
 * and the trainer read. The text kept is the one the check read (confined: never through a link,
 * never a FIFO, at most INPUT_TEXT_MAX bytes, secrets redacted as the log keeps them), so its sha256
 * is the input's own and `autopilot policy set blobs/<sha256>.json --why …` applies it as it was.
 */
import type { BlobStore } from '../events/blobs.js';
import type { DataOf } from '../events/catalogue.js';
import { INPUT_TEXT_MAX, type InputChange } from './inputs.js';

/** Bytes of rejected edits one workspace keeps, over every check: an agent rewriting an input on each attempt cannot fill the disk. */
export const REJECTED_TOTAL_MAX = 64 << 20;

/** Where rejected edits go, and how many bytes of them are kept already (counted up as they are kept). */
export interface RejectedKeeper {
  blobs: BlobStore;
  used: number;
}

type Kept = Pick<DataOf<'GuardrailViolation'>['paths'][number], 'rejected' | 'note'>;

/** Keeps the content `change` found (before it is put back); says what was kept, or why nothing was. */
export function keepRejected(keeper: RejectedKeeper | undefined, { bound, now }: InputChange): Kept {
  // Nothing to keep: a deletion, a link or FIFO (never read), only the x bits changed, or no keeper.
  if (!keeper || now.unsafe !== undefined || now.sha256 === null || now.sha256 === bound.sha256) return {};
  if (now.text === undefined)
    return { note: now.size > INPUT_TEXT_MAX ? `its new content (${now.size} bytes, over ${INPUT_TEXT_MAX}) was not kept` : 'its new content (not UTF-8 text) was not kept' };
  const bytes = Buffer.byteLength(now.text, 'utf8');
  if (keeper.used + bytes > REJECTED_TOTAL_MAX) return { note: `its new content was not kept: rejected edits already take ${keeper.used} of the ${REJECTED_TOTAL_MAX} bytes kept` };
  try {
    const ref = keeper.blobs.put(now.text);
    keeper.used += ref.bytes;
    return { rejected: { sha256: ref.sha256, bytes: ref.bytes, ...(now.redacted ? { redacted: true as const } : {}) } };
  } catch (error) {
    // Keeping is a courtesy: it never stands in the way of putting the input back.
    return { note: `its new content could not be kept: ${(error as Error).message}` };
  }
}

/** Bytes the recorded violations say are kept already. */
export function rejectedBytes(violations: Iterable<Pick<DataOf<'GuardrailViolation'>, 'paths'>>): number {
  let total = 0;
  for (const v of violations) for (const p of v.paths) total += p.rejected?.bytes ?? 0;
  return total;
}
