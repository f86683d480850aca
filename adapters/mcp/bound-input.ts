/**
 * A workspace input as the session bound it, for the MCP server to judge by: the text the log
 * keeps, or — where the log keeps only its hash (text over 256 KiB, or one that held secrets) — the
 * file, but only while it still has that hash. An agent's edit is never taken for the bound input.
 */
import { join } from 'node:path';
import type { InputFile } from '../../events/catalogue.js';
import type { RecordedNames } from '../../domain/text/secrets.js';
import { WorkspaceError } from '../workspace.js';
import { recordedText } from '../actors/input-guard.js';
import { readConfined } from '../fs/confined.js';
import { MAX_INPUT_BYTES } from '../fs/user-files.js';
import { inputFile } from '../inputs.js';

/**
 * The text to load input `bound` from (undefined: no session bound it, read the file as it is).
 * Throws WorkspaceError, which the tools return to the agent, when the file is not what was bound.
 */
export function boundInputText(root: string, bound: InputFile | undefined, record: RecordedNames = []): string | undefined {
  if (!bound) return undefined;
  const kept = recordedText(bound);
  if (kept !== undefined) return kept;
  // Read once, hashed as the log hashes it (secrets redacted), and used as read: no window for a swap in between.
  const read = readConfined(root, join(root, bound.path), MAX_INPUT_BYTES);
  const now = read.kind === 'file' ? inputFile(bound.path, read.bytes, record).sha256 : read.kind === 'missing' ? null : `${read.kind}`;
  if (read.kind === 'file' && now === bound.sha256) return read.bytes.toString('utf8');
  if (read.kind === 'missing' && bound.sha256 === null) return undefined;
  throw new WorkspaceError(
    `${bound.path} is not the one this session bound (sha256 ${short(bound.sha256)} recorded, ${short(now)} now); ` +
      'the log keeps only its hash, so proposals are not judged against the file as it is. ' +
      `Change it through \`autopilot policy set\` or \`autopilot loop --accept-input-changes\`; the loop puts back an input changed otherwise.`,
  );
}

function short(hash: string | null): string {
  if (hash === null) return 'none (missing)';
  return /^[0-9a-f]{64}$/.test(hash) ? `${hash.slice(0, 12)}…` : hash;
}
