/**
 * The `command` proposer: any executable. It runs under the same supervisor as trainers (own
 * process group, wall-clock and no-output timeouts), receives the last run's
 * PUFFER_AUTOPILOT_* variables, and answers by writing proposals/next_config.json. The
 * workspace (and its git repository) is snapshotted before it runs; whatever it changes outside
 * the policy's allowed_paths is reverted and reported.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProposalText } from '../../domain/proposal.js';
import type { ValidationError } from '../../domain/validation-error.js';
import { inWorkspace } from '../../orchestrator/workspace.js';
import { revertOutside, takeSnapshot, type Change } from '../integrity.js';
import { launchLocal, type LaunchHandle } from '../launcher/local.js';
import type { LoopDeps } from '../actors/deps.js';

/** What the proposer was asked. */
export interface ProposerRequest {
  runId: string;
  attempt: number;
  previousErrors: ValidationError[];
}

/** What came back from one proposer invocation. */
export type ProposerAnswer =
  | { kind: 'proposal'; overrides: unknown; rationale: string; hypothesis: string; problems: ValidationError[]; process: ProcessFacts; violations: Change[] }
  | { kind: 'failed'; reason: 'timeout' | 'hung' | 'crashed' | 'no-proposal' | 'error'; message: string; process: ProcessFacts | null; violations: Change[] };

/** How the proposer process ran. */
export interface ProcessFacts {
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
}

/** The allowed paths of this step: the policy's (default: the proposal file and the last run's notes). */
export function allowedPaths(deps: LoopDeps, lastRunId: string | null): string[] {
  const declared = deps.policy.allowed_paths ?? ['proposals/next_config.json', ...(lastRunId ? [`runs/${lastRunId}/notes.txt`] : [])];
  return declared.map((p) => p.replace('<id>', lastRunId ?? '<none>'));
}

/** The most recent run with a result, whose variables the proposer gets. */
export function lastRunId(deps: LoopDeps): string | null {
  let last: string | null = null;
  for (const r of deps.history().runs.values()) if (r.finished || r.failures.length > 0) last = r.runId;
  return last;
}

/** Runs the command proposer once; `onHandle` receives the running process so the caller can stop it. */
export async function runCommandProposer(deps: LoopDeps, req: ProposerRequest, onHandle: (h: LaunchHandle) => void): Promise<ProposerAnswer> {
  const spec = deps.settings.proposer.command;
  if (!spec) return { kind: 'failed', reason: 'error', message: 'proposer.command is not configured in autopilot.json', process: null, violations: [] };
  const last = lastRunId(deps);
  const proposalFile = deps.paths.nextConfig;
  const logFile = join(deps.paths.root, 'logs', `${req.runId}.proposer-${req.attempt}.log`);
  const exitFile = join(deps.paths.root, 'logs', `${req.runId}.proposer-${req.attempt}.exit.json`);
  writeFileSync(proposalFile, '{}\n');
  rmSync(exitFile, { force: true });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, spec.env, {
    AUTOPILOT_WORKSPACE: deps.paths.root,
    AUTOPILOT_RUN_ID: req.runId,
    AUTOPILOT_PROPOSAL_FILE: proposalFile,
    AUTOPILOT_PREVIOUS_ERRORS: JSON.stringify(req.previousErrors),
    PUFFER_AUTOPILOT_RUN_ID: last ?? '',
    PUFFER_AUTOPILOT_RUN_DIR: last ? deps.paths.runDir(last) : '',
    PUFFER_AUTOPILOT_SUMMARY: last ? join(deps.paths.runDir(last), 'trainer_summary.json') : '',
  });
  const snapshot = takeSnapshot(deps.paths.root);
  const allowed = [...allowedPaths(deps, last), `logs/${req.runId}.proposer-${req.attempt}.log`, `logs/${req.runId}.proposer-${req.attempt}.exit.json`];
  let handle: LaunchHandle;
  try {
    handle = launchLocal({
      argv: spec.argv,
      cwd: inWorkspace(deps.paths, spec.cwd),
      env,
      logFile,
      copyFiles: [],
      exitFile,
      wallMs: spec.wall_seconds * 1000,
      noOutputMs: spec.no_output_seconds * 1000,
      graceMs: spec.grace_seconds * 1000,
    });
  } catch (err) {
    return { kind: 'failed', reason: 'error', message: `could not start ${spec.argv.join(' ')}: ${(err as Error).message}`, process: null, violations: [] };
  }
  onHandle(handle);
  const r = await handle.result;
  const violations = revertOutside(snapshot, allowed);
  const facts: ProcessFacts = { argv: spec.argv, exitCode: r.exitCode, signal: r.signal, durationMs: r.durationMs };
  if (r.stoppedFor === 'timeout' || r.stoppedFor === 'hung')
    return {
      kind: 'failed',
      reason: r.stoppedFor,
      message: r.stoppedFor === 'timeout' ? `no answer within ${spec.wall_seconds}s` : `no output for ${spec.no_output_seconds}s`,
      process: facts,
      violations,
    };
  if (r.stoppedFor === 'killed') return { kind: 'failed', reason: 'error', message: 'stopped by request', process: facts, violations };
  if (r.exitCode !== 0)
    return { kind: 'failed', reason: 'crashed', message: `exited with ${r.signal ?? `code ${r.exitCode}`}; see ${logFile}`, process: facts, violations };
  const text = existsSync(proposalFile) ? readFileSync(proposalFile, 'utf8') : '';
  if (text.trim() === '' || text.trim() === '{}')
    return { kind: 'failed', reason: 'no-proposal', message: `exited 0 without writing ${proposalFile}`, process: facts, violations };
  const parsed = parseProposalText(text);
  if (parsed.ok)
    return { kind: 'proposal', ...parsed.proposal, problems: [], process: facts, violations };
  return { kind: 'proposal', overrides: null, rationale: '', hypothesis: '', problems: parsed.errors, process: facts, violations };
}
