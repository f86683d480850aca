/**
 * The one error story: every problem autopilot expects is an `AutopilotError` with a stable `code`,
 * the exit code it ends the command with, the file and key it concerns, and a hint saying what is
 * allowed or what to do. The CLI's runner (cli/runner.ts) prints it once, prefixed, without a stack;
 * anything else is a bug and is reported as one.
 */

/** Exit codes shared by every command: 0 ok, 1 failed (or halted, rejected, refused), 2 usage or setup. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** One of the exit codes in {@link EXIT}. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * `message` as autopilot reports it: `autopilot: message`, or `autopilot init: message` for a
 * command that names itself (`scope`). The one place the prefix is written.
 */
export function prefixed(message: string, scope?: string): string {
  return `autopilot${scope === undefined ? '' : ` ${scope}`}: ${message}`;
}

/**
 * The stable codes, each with the exit code it ends a command with. Callers may match on the code;
 * the message is for people and may change.
 */
export const ERROR_EXIT = {
  /** A command line that cannot be carried out as given (a wrong flag, a missing --yes). */
  usage: EXIT.usage,
  /** The workspace is missing or one of its inputs (autopilot.json, policy.json, …) is unusable. */
  workspace: EXIT.usage,
  /** A config file that is not a valid config. */
  'config-invalid': EXIT.usage,
  /** A policy that is not a valid policy. */
  'policy-invalid': EXIT.usage,
  /** autopilot.json settings that are not valid. */
  'settings-invalid': EXIT.usage,
  /** A prompt template that does not render. */
  'template-invalid': EXIT.usage,
  /** A PufferLib .ini file that cannot be imported. */
  'puffer-ini': EXIT.usage,
  /** A trainer command line that cannot be split into argv. */
  argv: EXIT.usage,
  /** An input `autopilot init` cannot use. */
  'init-input': EXIT.usage,
  /** Another live autopilot holds the workspace lock. */
  'lock-held': EXIT.failed,
  /** The event log is missing where a command needs one. */
  'no-log': EXIT.failed,
  /** A thing asked for (a run, an event) is not in the log. */
  'not-found': EXIT.failed,
  /** A JSON-lines file that is not an export of a log. */
  jsonl: EXIT.failed,
  /** `import` into a workspace whose log already holds events. */
  'log-not-empty': EXIT.failed,
  /** Two writers appended to one stream at once. */
  concurrency: EXIT.failed,
  /** An event in the log that does not decode, or a broken hash chain. */
  'corrupt-event': EXIT.failed,
  /** A write through a store opened read-only. */
  'read-only-store': EXIT.failed,
  /** A blob that is missing or does not match its hash. */
  blob: EXIT.failed,
  /** A path that leads outside the folder it must stay in. */
  'outside-root': EXIT.failed,
  /** A path that is a link, a FIFO or otherwise not a plain file. */
  'unsafe-path': EXIT.failed,
  /** An AUTOPILOT_MCP_LOG the MCP server will not write. */
  'audit-log-path': EXIT.usage,
  /** A tool call with arguments the MCP server refuses. */
  'tool-input': EXIT.failed,
  /** A command that ran and did not succeed (the loop halted, a proposal was rejected). */
  failed: EXIT.failed,
} as const satisfies Record<string, ExitCode>;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_EXIT;

/** What an error concerns and what to do about it. */
export interface ErrorDetails {
  /** The file the problem is in. */
  file?: string;
  /** The key (config path, policy key, setting) the problem is about. */
  key?: string;
  /** What is allowed, or what to do next; printed after the problem, separated by "; ". */
  hint?: string;
  /** The command that reports it in its own name (`init` prints `autopilot init: …`). */
  scope?: string;
  /** The error this one explains. */
  cause?: unknown;
}

/** An error autopilot expects: reported as `autopilot: <message>` with its exit code, never a stack. */
export class AutopilotError extends Error {
  override readonly name: string = 'AutopilotError';
  /** The exit code of a command that ends on this error. */
  readonly exitCode: ExitCode;
  /** The problem alone, without the hint. */
  readonly shortMessage: string;
  readonly file?: string;
  readonly key?: string;
  readonly hint?: string;
  readonly scope?: string;

  constructor(
    readonly code: ErrorCode,
    problem: string,
    details: ErrorDetails = {},
  ) {
    super(details.hint === undefined ? problem : `${problem}; ${details.hint}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.exitCode = ERROR_EXIT[code];
    this.shortMessage = problem;
    if (details.file !== undefined) this.file = details.file;
    if (details.key !== undefined) this.key = details.key;
    if (details.hint !== undefined) this.hint = details.hint;
    if (details.scope !== undefined) this.scope = details.scope;
  }

  /** The line (or block) autopilot prints for this error. */
  report(): string {
    return prefixed(this.message, this.scope);
  }
}

/** True when `e` is an {@link AutopilotError} (with `code`, when given). */
export function isAutopilotError(e: unknown, code?: ErrorCode): e is AutopilotError {
  return e instanceof AutopilotError && (code === undefined || e.code === code);
}

/** A command line that cannot be carried out as given: code `usage`, exit 2. */
export class UsageError extends AutopilotError {
  constructor(problem: string, details?: ErrorDetails) {
    super('usage', problem, details);
  }
}

/** A command that ran and failed (exit 1). */
export function failure(problem: string, details?: ErrorDetails): AutopilotError {
  return new AutopilotError('failed', problem, details);
}
