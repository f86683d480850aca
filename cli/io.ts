/** The output streams every command is given (see orchestrator/console.ts): the process's, or a test's. */
import type { Streams } from '../orchestrator/console.js';

/** Where a command prints: `out` for its results, `err` for problems and notes. */
export type CliIo = Streams;

/** The process's own streams: what `bin/autopilot.js` runs the CLI with. */
export function processIo(): CliIo {
  return { out: process.stdout, err: process.stderr };
}
