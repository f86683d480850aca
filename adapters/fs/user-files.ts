/** Reading the user's workspace files (settings, policy, baselines, prompts) as untrusted ones: an agent could have replaced them. */
import { describeKind } from './entry.js';
import { readConfined } from './confined.js';

/** Largest workspace input read (1 MiB). */
export const MAX_INPUT_BYTES = 1 << 20;

/** The text of `path` (inside `root`); throws naming `what`, the path and what was wrong (missing, a link, a FIFO, too large). */
export function readUserText(root: string, path: string, what: string, maxBytes = MAX_INPUT_BYTES): string {
  const read = readConfined(root, path, maxBytes);
  switch (read.kind) {
    case 'file':
      return read.bytes.toString('utf8');
    case 'missing':
      throw new Error(`${what} not found at ${path}`);
    case 'unsafe':
      throw new Error(
        `${what} at ${path} is not a regular file: ${read.entry.path} is ${describeKind(read.entry.kind)}${read.entry.target !== undefined ? ` (-> ${read.entry.target})` : ''}; autopilot never follows links or reads FIFOs in the workspace`,
      );
    case 'too-large':
      throw new Error(`${what} at ${path} has ${read.size} bytes; at most ${read.max} are read`);
    default: {
      const never: never = read;
      throw new Error(`unexpected read ${String(never)}`);
    }
  }
}
