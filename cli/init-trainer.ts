/**
 * `init --trainer` checked as the preflight checks trainer.command, before anything is written: the
 * executable is found (on PATH, or a path relative to the trainer's folder) and the script an
 * interpreter is given exists there, each problem with the closest name when one is near.
 */
import { statSync } from 'node:fs';
import { checkArgv } from '../orchestrator/preflight/trainer.js';

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** What is wrong with `argv` run in `cwd` (the --trainer-cwd, `cwdGiven`, or where init runs), one line per problem; none for no argv or no folder (said elsewhere). */
export function trainerArgvProblems(argv: readonly string[], cwd: string, cwdGiven: boolean): string[] {
  if (argv.length === 0 || !isFolder(cwd)) return [];
  const where = `the trainer's folder ${cwd} (${cwdGiven ? '--trainer-cwd' : 'where init runs; --trainer-cwd sets another'})`;
  return checkArgv(argv, cwd, undefined, where).problems.map((p) => `--trainer: ${p.problem}; allowed: ${p.allowed}`);
}
