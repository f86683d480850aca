/**
 * Runs the CLI in the test process: `main(argv, io)` with its out and err streams captured, for
 * tests that want a command's exact output without spawning `node bin/autopilot.js`.
 */
import { main } from '../../cli/main.js';
import type { CliIo } from '../../cli/io.js';

/** What a command printed and the exit code it returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A stream that keeps what is written to it. */
function capture(): { stream: CliIo['out']; text: () => string } {
  const chunks: string[] = [];
  return { stream: { write: (text: string) => chunks.push(text) }, text: () => chunks.join('') };
}

/** Runs `autopilot ...args` in this process; resolves with its exit code and everything it printed. */
export async function runInProcess(args: readonly string[]): Promise<CliRun> {
  const out = capture();
  const err = capture();
  const code = await main(['node', 'autopilot', ...args], { out: out.stream, err: err.stream });
  return { code, stdout: out.text(), stderr: err.text() };
}
