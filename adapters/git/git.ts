/**
 * Runs git for the run commits: plumbing only, with no hook, pager, prompt, signing or fsmonitor
 * (a repository's config, which an agent may have written, cannot make it run code or wait), and
 * a bounded time.
 */
import { execa } from 'execa';

/** How long one git command may take. */
const GIT_TIMEOUT_MS = 30_000;
/** Config that would run code or wait for a person, turned off for every command. */
const SAFE_CONFIG = ['core.hooksPath=/dev/null', 'core.fsmonitor=false', 'commit.gpgSign=false', 'tag.gpgSign=false', 'core.pager=cat', 'credential.helper='];

/** What one git command did. */
export interface GitResult {
  ok: boolean;
  /** The exit code (undefined: it did not run to an exit). */
  exitCode: number | undefined;
  stdout: string;
  /** stderr, or why the command could not run (not installed, timed out). */
  message: string;
}

/** Options of one git command. */
export interface GitOptions {
  /** Given on stdin. */
  input?: string | Uint8Array;
  /** A separate index (GIT_INDEX_FILE): the user's own is never touched. */
  indexFile?: string;
}

/** Runs `git args` in `cwd`; never throws. */
export async function git(cwd: string, args: string[], options: GitOptions = {}): Promise<GitResult> {
  const env: Record<string, string> = { GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', GIT_OPTIONAL_LOCKS: '0', GIT_EDITOR: 'true', GIT_LITERAL_PATHSPECS: '1' };
  if (options.indexFile) env.GIT_INDEX_FILE = options.indexFile;
  const r = await execa('git', [...SAFE_CONFIG.flatMap((c) => ['-c', c]), ...args], {
    cwd,
    env,
    reject: false,
    timeout: GIT_TIMEOUT_MS,
    stripFinalNewline: true,
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
  });
  const message = r.timedOut ? `git ${args[0]} timed out after ${GIT_TIMEOUT_MS / 1000}s` : r.failed && r.exitCode === undefined ? r.shortMessage : r.stderr.trim();
  return { ok: !r.failed, exitCode: r.exitCode, stdout: r.stdout, message: message || `git ${args[0]} exited ${r.exitCode ?? 'on a signal'}` };
}

/** Runs `git args` and returns its stdout, or throws a {@link GitStepError} for `step` with git's message. */
export async function gitOut(step: GitStep, cwd: string, args: string[], options: GitOptions = {}): Promise<string> {
  const r = await git(cwd, args, options);
  if (!r.ok) throw new GitStepError(step, r.message);
  return r.stdout;
}

/** The steps of a run commit, as RunCommitFailed names them. */
export type GitStep = 'head' | 'layout' | 'read' | 'commit' | 'ref' | 'index';

/** A step of a run commit that failed, with git's own message. */
export class GitStepError extends Error {
  constructor(
    readonly step: GitStep,
    message: string,
  ) {
    super(message);
  }
}
