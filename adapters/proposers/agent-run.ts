/**
 * Runs one proposer process (an agent CLI or any command) under the trainers' supervisor: own
 * process group, wall-clock and no-output timeouts, the last run's PUFFER_AUTOPILOT_* variables.
 * The workspace is snapshotted before it runs; whatever it changes outside the allowed paths is
 * reverted and reported. It answers in proposals/next_config.json (written directly or by the
 * `propose` tool of `autopilot mcp`).
 */
import { closeSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_PROPOSAL_BYTES, parseProposalText } from '../../domain/policy/proposal.js';
import { ROOT_KEYS, validationError, type ValidationError } from '../../domain/policy/validation-error.js';
import { ANCHOR_KEY_ENV } from '../anchor-file.js';
import { openConfined, readConfined, removeConfined, writeConfined, type UnsafeEntry } from '../fs/confined.js';
import { describeKind } from '../fs/entry.js';
import { revertOutside, takeSnapshot, type Change } from '../integrity.js';
import { redactArgv, redactText, type RecordedNames } from '../secrets.js';
import { launchLocal, type LaunchHandle } from '../launcher/local.js';
import type { LoopDeps } from '../actors/deps.js';
import type { InFlightRun } from '../actors/in-flight.js';
import { quoteAgent, redactAgent } from './agent-words.js';
import { readMcpLog, type McpCalls } from './mcp-log.js';
import { clearOwnFiles } from './own-files.js';
import { uncontainedChange } from './uncontained.js';
import type { McpServerSpec } from './mcp-server.js';
import { promotionEvaluationPath } from '../evaluation/confirm.js';

/** What the proposer was asked. */
export interface ProposerRequest {
  runId: string;
  attempt: number;
  previousErrors: ValidationError[];
  /** Errors of the previous rejection beyond `limits.max_problems`, counted but not kept (absent: none). */
  previousOmitted?: number;
  /** `autopilot propose --once`: nothing is recorded, and its files are named apart from the loop's. */
  dryRun?: boolean;
  /** The other runs in flight (training or being judged), which the prompt lists (absent: none). */
  inFlight?: InFlightRun[];
}

/** What an agent CLI reported about itself (parsed from its stdout). */
export interface AgentReport {
  sessionId?: string;
  costUsd?: number;
  usage?: Record<string, number>;
  /** What `usage` counts, which differs between CLIs (see ProposerProcess in events/catalogue.ts). */
  usageMeaning?: 'codex-session' | 'claude-result';
  turns?: number;
  /** An error the CLI reported: the attempt fails with it even when the CLI exits 0. */
  error?: string;
  /** The MCP servers and their status when the session started (claude's init message). */
  mcpServers?: { name: string; status: string }[];
  /** The tools the CLI's permission system refused (claude's result). */
  permissionDenials?: string[];
}

/** How the proposer process ran. */
export interface ProcessFacts extends AgentReport {
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  mcp?: McpCalls;
}

/** What came back from one proposer invocation. */
export type ProposerAnswer =
  | { kind: 'proposal'; overrides: unknown; rationale: string; hypothesis: string; problems: ValidationError[]; process: ProcessFacts; violations: Change[]; unsafe: UnsafeEntry[] }
  | {
      kind: 'failed';
      reason: 'timeout' | 'hung' | 'crashed' | 'no-proposal' | 'error';
      message: string;
      process: ProcessFacts | null;
      violations: Change[];
      unsafe: UnsafeEntry[];
    };

/** What an agent invocation needs besides its settings. */
export interface AgentSetup {
  workspace: string;
  prompt: string;
  /** The `autopilot mcp` server to offer, or null. */
  mcp: McpServerSpec | null;
  /** The proposer environment (see {@link proposerEnv}). */
  env: Record<string, string>;
}

/** One proposer process to run: built by the codex, claude and command adapters. */
export interface AgentInvocation {
  argv: string[];
  /** argv as recorded: the prompt argument replaced by `<prompt>`. */
  recordedArgv: string[];
  cwd: string;
  /** Environment added to the orchestrator's. */
  env: Record<string, string>;
  timeouts: { wall_seconds: number; no_output_seconds: number; grace_seconds: number };
  /** Files written before the process starts (an MCP config, say). */
  files: { path: string; text: string }[];
  /** The prompt is not in argv: the process reads the prompt file on its stdin. */
  promptOnStdin: boolean;
  /** Where its settings are in autopilot.json (`proposer.claude`), named when a limit stops it. */
  settingsKey: string;
  /** Reads what the CLI reported from its stdout. */
  report: (output: string) => AgentReport;
}

/** Files of one proposer invocation under logs/, relative to the workspace. */
export function invocationFiles(runId: string, attempt: number, dryRun = false) {
  const stem = dryRun ? `logs/${runId}.propose-once` : `logs/${runId}.proposer-${attempt}`;
  return { log: `${stem}.log`, exit: `${stem}.exit.json`, prompt: `${stem}.prompt.md`, mcpConfig: `${stem}.mcp.json`, mcpLog: `${stem}.mcp.jsonl`, stdout: `${stem}.stdout.log` };
}

/** The allowed paths of this step: the policy's (default: the proposal file and the last run's notes). */
export function allowedPaths(deps: LoopDeps, lastRunId: string | null): string[] {
  const declared = deps.policy.allowed_paths ?? ['proposals/next_config.json', ...(lastRunId ? [`runs/${lastRunId}/notes.txt`] : [])];
  return declared.map((p) => p.replace('<id>', lastRunId ?? '<none>'));
}

/**
 * What changes during an agent's step beside other runs in flight without being the agent's: those
 * runs' folders and logs (their trainers write there; what they leave is checked when they are
 * journaled), what the loop's promotion evaluations write, and files that hold exactly what
 * the orchestrator last wrote there (their projections, the anchor). With no other run in flight, nothing: every change is the agent's.
 */
export function besideRunsInFlight(deps: LoopDeps, req: ProposerRequest): (rel: string) => boolean {
  const busy = (req.inFlight ?? []).map((r) => r.runId);
  const own = deps.ownWrites;
  if (busy.length === 0) return () => false;
  // A run in flight may be confirming its promotion meanwhile (evaluation.confirm_promotion).
  const evaluating = promotionEvaluationPath(deps.history());
  return (rel) => busy.some((id) => rel === `runs/${id}` || rel.startsWith(`runs/${id}/`) || rel.startsWith(`logs/${id}.`)) || evaluating(rel) || (own?.holdsOurs(rel) ?? false);
}

/** The most recent run with a result, whose variables the proposer gets. */
export function lastRunId(deps: LoopDeps): string | null {
  let last: string | null = null;
  for (const r of deps.history().runs.values()) if (r.finished || r.failures.length > 0) last = r.runId;
  return last;
}

/** The environment every proposer process gets on top of the orchestrator's (never the anchor key: an agent must not forge anchors). */
export function proposerEnv(deps: LoopDeps, req: ProposerRequest, extra: Record<string, string>): Record<string, string> {
  const last = lastRunId(deps);
  const files = invocationFiles(req.runId, req.attempt, req.dryRun);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== ANCHOR_KEY_ENV) env[k] = v;
  return Object.assign(env, extra, {
    AUTOPILOT_WORKSPACE: deps.paths.root,
    AUTOPILOT_RUN_ID: req.runId,
    AUTOPILOT_ATTEMPT: String(req.attempt),
    AUTOPILOT_PROPOSAL_FILE: deps.paths.nextConfig,
    AUTOPILOT_PROMPT_FILE: join(deps.paths.root, files.prompt),
    AUTOPILOT_MCP_LOG: join(deps.paths.root, files.mcpLog),
    ...previousErrorsEnv(req),
    PUFFER_AUTOPILOT_RUN_ID: last ?? '',
    PUFFER_AUTOPILOT_RUN_DIR: last ? deps.paths.runDir(last) : '',
    PUFFER_AUTOPILOT_SUMMARY: last ? join(deps.paths.runDir(last), 'trainer_summary.json') : '',
  });
}

/** Largest AUTOPILOT_PREVIOUS_ERRORS, in UTF-8 bytes: well under Linux's 128 KiB limit on one environment string. */
const MAX_ERRORS_ENV_BYTES = 64 * 1024;

/**
 * AUTOPILOT_PREVIOUS_ERRORS (a JSON array of the errors, as many as fit in 64 KiB, so the agent
 * can always be started) and AUTOPILOT_PREVIOUS_ERRORS_OMITTED (how many more there were).
 */
export function previousErrorsEnv(req: Pick<ProposerRequest, 'previousErrors' | 'previousOmitted'>): Record<string, string> {
  const parts: string[] = [];
  let bytes = 2;
  for (const e of req.previousErrors) {
    const text = JSON.stringify(e);
    const size = Buffer.byteLength(text, 'utf8') + 1;
    if (bytes + size > MAX_ERRORS_ENV_BYTES) break;
    parts.push(text);
    bytes += size;
  }
  const omitted = req.previousErrors.length - parts.length + (req.previousOmitted ?? 0);
  return { AUTOPILOT_PREVIOUS_ERRORS: `[${parts.join(',')}]`, AUTOPILOT_PREVIOUS_ERRORS_OMITTED: String(omitted) };
}

/** Runs one proposer invocation; `onHandle` receives the running process so the caller can stop it, `onStarted` may record it before it is let go. */
export async function runAgent(
  deps: LoopDeps,
  req: ProposerRequest,
  inv: AgentInvocation,
  prompt: string,
  onHandle: (h: LaunchHandle) => void,
  onStarted: (h: LaunchHandle) => void = () => undefined,
): Promise<ProposerAnswer> {
  const root = deps.paths.root;
  const files = invocationFiles(req.runId, req.attempt, req.dryRun);
  const proposalFile = deps.paths.nextConfig;
  const logFile = join(root, files.log);
  const exitFile = join(root, files.exit);
  const mcpLog = join(root, files.mcpLog);
  const stdoutFile = join(root, files.stdout);
  const own = Object.values(files);
  // Whatever an earlier attempt planted where this one's files go is removed first: nothing is appended or written through it.
  const planted = clearOwnFiles(root, own, 'before the attempt');
  // A restarted attempt starts from a clean slate: no answer, exit record, MCP calls or stdout of the run that died.
  const unsafe: UnsafeEntry[] = [...writeConfined(root, proposalFile, '{}\n')];
  for (const f of [exitFile, mcpLog, stdoutFile]) removeConfined(root, f);
  unsafe.push(...writeConfined(root, join(root, files.prompt), prompt));
  for (const f of inv.files) unsafe.push(...writeConfined(root, f.path, f.text));
  const allowed = [...allowedPaths(deps, lastRunId(deps)), ...own];
  const snapshot = takeSnapshot(root, allowed);
  let handle: LaunchHandle;
  try {
    handle = launchLocal({
      argv: inv.argv,
      cwd: inv.cwd,
      env: inv.env,
      root,
      logFile,
      exitFile,
      ...(inv.promptOnStdin ? { stdinFile: join(root, files.prompt) } : {}),
      // The report is parsed from stdout alone: a stderr write must not split the JSON line it needs.
      stdoutFile,
      wallMs: inv.timeouts.wall_seconds * 1000,
      noOutputMs: inv.timeouts.no_output_seconds * 1000,
      graceMs: inv.timeouts.grace_seconds * 1000,
      containment: deps.containment,
      maxOutputBytes: deps.settings.limits.max_output_bytes,
      gated: true,
    });
  } catch (err) {
    return { kind: 'failed', reason: 'error', message: redactText(`could not start ${inv.argv[0]}: ${(err as Error).message}`), process: null, violations: planted, unsafe };
  }
  onHandle(handle);
  onStarted(handle);
  handle.go();
  const r = await handle.result;
  // Everything the agent started is gone now (its cgroup or subreaper saw to it): only then is the workspace checked.
  const reverted = revertOutside(snapshot, allowed, besideRunsInFlight(deps, req));
  const output = readTail(root, logFile, handle.logOffset);
  const record = deps.settings.secrets.record;
  const reported = inv.report(readTail(root, stdoutFile, 0));
  // What the CLI said of itself is the agent's text: no secret of it is stored.
  const report = reported.error === undefined ? reported : { ...reported, error: redactAgent(reported.error, record) };
  const mcp = readMcpLog(root, mcpLog);
  // Read only through what is safe above; what the agent left in place of its own files is not left for the next reader.
  const escaped = uncontainedChange(files.log, handle.containment.mode, r);
  const violations = [...planted, ...reverted, ...clearOwnFiles(root, own, 'after the attempt'), ...(escaped ? [escaped] : [])];
  const facts: ProcessFacts = {
    argv: redactArgv(inv.recordedArgv, deps.settings.secrets.record),
    exitCode: r.exitCode,
    signal: r.signal,
    durationMs: r.durationMs,
    ...report,
    ...(mcp ? { mcp } : {}),
  };
  const said = report.error ? ` (it reported: ${quoteAgent(report.error, record)})` : '';
  const fail = (reason: Extract<ProposerAnswer, { kind: 'failed' }>['reason'], message: string): ProposerAnswer => ({
    kind: 'failed',
    reason,
    message,
    process: facts,
    violations,
    unsafe,
  });
  if (r.stoppedFor === 'timeout') return fail('timeout', `no answer within ${inv.timeouts.wall_seconds}s (${inv.settingsKey}.wall_seconds)`);
  if (r.stoppedFor === 'hung') return fail('hung', `no output for ${inv.timeouts.no_output_seconds}s (${inv.settingsKey}.no_output_seconds)`);
  if (r.stoppedFor === 'killed') return fail('error', 'stopped by request');
  if (r.exitCode !== 0) {
    // What it said last is usually why ("not logged in", "spawn claude ENOENT"): worth a line in the morning.
    const last = report.error ? said : lastLine(output, record);
    return fail('crashed', `exited with ${r.signal ?? `code ${r.exitCode}`}${last}; see ${files.log}`);
  }
  // An error result (claude's error_max_turns arrives with exit 0): whatever it wrote may be half done.
  if (report.error) return fail('error', `exited 0 but reported an error: ${quoteAgent(report.error, record)}; see ${files.log}`);
  const read = readConfined(root, proposalFile, MAX_PROPOSAL_BYTES);
  if (read.kind === 'unsafe') {
    // A link or a FIFO in its place is never followed: removed, recorded, and no answer.
    removeConfined(root, proposalFile);
    unsafe.push({ ...read.entry, action: 'removed' });
    const what = read.entry.kind === 'symlink' ? `a symlink to ${read.entry.target ?? '?'}` : describeKind(read.entry.kind);
    return fail('no-proposal', `proposals/next_config.json was ${what}, not a regular file; removed, not read${said}`);
  }
  if (read.kind === 'too-large') {
    const problem = validationError(ROOT_KEYS.proposal, `${read.size} bytes of text`, 'too_large', 'is too large', `at most ${read.max} bytes (256 KiB)`);
    return { kind: 'proposal', overrides: null, rationale: '', hypothesis: '', problems: [{ ...problem, rule: 'shape' }], process: facts, violations, unsafe };
  }
  const text = read.kind === 'file' ? read.bytes.toString('utf8') : '';
  if (text.trim() === '' || text.trim() === '{}') {
    const viaMcp = mcp && mcp.calls > 0 ? `; its ${mcp.calls} propose call(s) through MCP were all rejected` : '';
    return fail('no-proposal', `exited 0 without writing proposals/next_config.json${viaMcp}${said}`);
  }
  const parsed = parseProposalText(text);
  if (parsed.ok) return { kind: 'proposal', ...parsed.proposal, problems: [], process: facts, violations, unsafe };
  // The overrides of an answer whose envelope alone is wrong are kept, so validation reports their errors too.
  return { kind: 'proposal', overrides: parsed.overrides ?? null, rationale: '', hypothesis: '', problems: parsed.errors, process: facts, violations, unsafe };
}

// Its last words, quoted safely: the line may hold a key it printed, or escape sequences for the terminal.
function lastLine(output: string, record: RecordedNames): string {
  const line = output.trim().split('\n').at(-1)?.trim() ?? '';
  return line === '' ? '' : ` (last output: ${quoteAgent(line, record)})`;
}

/** Most of an invocation's output read back for its report. */
const TAIL_BYTES = 4 * 1024 * 1024;

// The log is appended to across attempts; only this invocation's part is read (at most its last 4 MiB), never through a link or a FIFO.
function readTail(root: string, file: string, offset: number | undefined): string {
  const opened = openConfined(root, file);
  if (!opened) return '';
  try {
    const from = Math.max(offset ?? 0, opened.size - TAIL_BYTES);
    const buf = Buffer.alloc(Math.max(0, opened.size - from));
    let len = 0;
    while (len < buf.length) {
      const n = readSync(opened.fd, buf, len, buf.length - len, from + len);
      if (n <= 0) break;
      len += n;
    }
    return buf.subarray(0, len).toString('utf8');
  } finally {
    closeSync(opened.fd);
  }
}
