/**
 * `autopilot propose --once`: runs just the proposer against the current history — renders the
 * prompt, runs the agent (or the built-in optimizer), validates its answer — and records nothing,
 * for trying a prompt or an agent setup. It takes the workspace lock, so it never runs beside a loop.
 */
import { readConfined, removeConfined, writeConfined } from '../adapters/fs/confined.js';
import { MAX_PROPOSAL_BYTES } from '../domain/policy/proposal.js';
import { resolveContainmentSetting } from '../orchestrator/loop-start.js';
import { join } from 'node:path';
import { baseConfigFor } from '../domain/config/base-config.js';
import { fmt } from '../domain/text/numbers.js';
import { runIdOf } from '../domain/text/numbers.js';
import { proposeRandom } from '../domain/proposers/random.js';
import { seedFromString } from '../domain/rng.js';
import { recordedRootSeed } from '../adapters/proposers/root-seed.js';
import { capProblems } from '../domain/policy/problems.js';
import { splitUnlisted } from '../domain/text/strict-json.js';
import type { ProposerKindSetting } from '../domain/config/settings.js';
import { validateOverrides, type ValidationError } from '../domain/policy/validate.js';
import { catalogueCodec } from '../events/catalogue.js';
import { openSqliteStore } from '../adapters/store/sqlite-store.js';
import { workspaceBlobs } from '../adapters/blob-files.js';
import { acquireLock, LockHeldError } from '../adapters/lock.js';
import type { LoopDeps } from '../adapters/actors/deps.js';
import { runAgent, type ProposerAnswer } from '../adapters/proposers/agent-run.js';
import { isAgentKind, prepareAgent } from '../adapters/proposers/agents.js';
import { proposeWithTpe } from '../adapters/proposers/tpe.js';
import { assertWorkspace, loadBaseline, loadPolicy, loadSettings, workspacePaths } from '../adapters/workspace.js';
import { emptyView, foldView } from '../projections/view.js';
import { printJson, printLine } from '../orchestrator/console.js';
import { shownPaths } from '../domain/text/violation-paths.js';
import { AutopilotError, EXIT, failure, UsageError } from '../domain/errors.js';
import type { CliIo } from './io.js';
import type { Mode } from '../domain/config/mode.js';

/** Options of `autopilot propose`. */
export interface ProposeOptions {
  workspace: string;
  once?: boolean;
  proposer?: ProposerKindSetting;
  mode?: Mode;
  json?: boolean;
}

/** Runs `propose --once`; returns the exit code (0: a valid proposal, 1: none, 2: usage). */
export async function proposeCommand(o: ProposeOptions, io: CliIo): Promise<number> {
  if (!o.once) throw new UsageError('propose needs --once: it runs the proposer once against the current history and records nothing', { key: '--once' });
  const paths = workspacePaths(o.workspace);
  assertWorkspace(paths);
  const settings = loadSettings(paths);
  const policy = loadPolicy(paths);
  const kind = o.proposer ?? settings.proposer.kind;
  if (kind === 'command' && !settings.proposer.command)
    throw new UsageError('--proposer command needs proposer.command.argv in autopilot.json', { file: paths.settings, key: 'proposer.command.argv' });
  let lock;
  try {
    lock = acquireLock(paths.lock);
  } catch (e) {
    if (e instanceof LockHeldError) throw new AutopilotError('lock-held', `${e.message} (propose --once does not run beside a loop)`, { file: e.path, cause: e });
    throw e;
  }
  try {
    const store = openSqliteStore(paths.events, catalogueCodec, { blobs: workspaceBlobs(paths) });
    const view = (() => {
      try {
        return store.lastSeq() === 0 ? emptyView() : foldView(store.readAll());
      } finally {
        store.close();
      }
    })();
    const mode = o.mode ?? settings.mode;
    const runId = runIdOf(Math.max(0, ...[...view.runs.values()].map((r) => r.index)) + 1);
    const incumbent = view.incumbent?.ref ?? null;
    const deps: LoopDeps = {
      paths,
      settings,
      policy,
      options: { runs: 1, mode, proposer: kind },
      newSession: 'once',
      history: () => view,
      now: () => new Date(),
      containment: resolveContainmentSetting(settings.containment),
    };
    const req = { runId, attempt: 1, previousErrors: [] as ValidationError[], dryRun: true };
    let answer: ProposerAnswer;
    let prompt: string | null = null;
    let promptFile: string | null = null;
    if (isAgentKind(kind)) {
      let prepared;
      try {
        prepared = prepareAgent(deps, kind, req);
      } catch (e) {
        throw failure((e as Error).message, { cause: e });
      }
      prompt = prepared.prompt.text;
      promptFile = `logs/${runId}.propose-once.prompt.md`;
      // Kept as bytes, read as an untrusted file (never through a link); put back the same way.
      const saved = readConfined(paths.root, paths.nextConfig, MAX_PROPOSAL_BYTES);
      const before = saved.kind === 'file' ? saved.bytes : null;
      try {
        answer = await runAgent(deps, req, prepared.invocation, prompt, () => undefined);
      } finally {
        // The loop's proposal file is left as it was: a dry run must not answer the next real request.
        if (before) writeConfined(paths.root, paths.nextConfig, before);
        else removeConfined(paths.root, paths.nextConfig);
      }
    } else {
      // Rooted like the loop's draws (proposer.seed, else the log's), so a try matches the workspace's own stream.
      const root = settings.proposer.seed ?? recordedRootSeed(view);
      const seed = seedFromString(root === undefined ? `once/${runId}` : `once/${root}/${runId}`);
      const p = kind === 'random' ? proposeRandom(policy, seed) : proposeWithTpe(deps, { runId, mode, incumbent, seed });
      answer = { kind: 'proposal', ...p, problems: [], process: { argv: [], exitCode: 0, signal: null, durationMs: 0 }, violations: [], unsafe: [] };
    }
    const base = baseConfigFor(loadBaseline(paths, mode), incumbent?.override);
    const checked = answer.kind === 'failed' ? null : answer.problems.length > 0 ? { ok: false as const, errors: answer.problems } : validateOverrides(answer.overrides, base, policy);
    const { listed, unlisted } = splitUnlisted(checked && !checked.ok ? checked.errors : []);
    const rejected = capProblems(listed, settings.limits.max_problems, unlisted);
    const report = {
      proposer: kind,
      run_id: runId,
      base: incumbent?.runId ?? 'baseline',
      prompt_file: promptFile,
      outcome: answer.kind === 'failed' ? 'failed' : checked?.ok ? 'valid' : 'rejected',
      ...(answer.kind === 'failed' ? { reason: answer.reason, message: answer.message } : { overrides: answer.overrides, rationale: answer.rationale, hypothesis: answer.hypothesis }),
      errors: rejected.errors,
      ...(rejected.omitted > 0 ? { errors_omitted: rejected.omitted } : {}),
      diff: checked?.ok ? checked.diff : [],
      process: answer.process,
      violations: answer.violations,
    };
    if (o.json) printJson(report, io.out);
    else {
      const out = (line: string) => printLine(line, io.out);
      out(`proposer ${kind} for run ${runId} (on ${report.base}); nothing is recorded`);
      if (!incumbent) out('note: with no incumbent yet the loop runs the baseline unchanged first; this is what the proposer says now');
      if (promptFile) out(`prompt: ${join(paths.root, promptFile)}`);
      if (answer.kind === 'failed') out(`failed (${answer.reason}): ${answer.message}`);
      else {
        out(`rationale: ${answer.rationale}`);
        out(`hypothesis: ${answer.hypothesis}`);
        if (checked?.ok) for (const d of checked.diff) out(`  ${d.key}: ${fmtValue(d.from)} -> ${fmtValue(d.to)}`);
        else {
          for (const e of report.errors) out(`  rejected ${e.key}: ${e.message}`);
          if (rejected.omitted > 0) out(`  … and ${rejected.omitted} more error(s) (limits.max_problems ${settings.limits.max_problems})`);
        }
      }
      for (const line of shownPaths(answer.violations, (v) => `reverted ${v.path} (${v.change}): outside the allowed paths`, 'path(s) reverted')) out(`  ${line}`);
      const p = answer.process;
      if (p && p.argv.length > 0)
        out(`process: exit ${p.exitCode ?? p.signal}, ${fmt(p.durationMs / 1000)}s${p.sessionId ? `, session ${p.sessionId}` : ''}${p.costUsd !== undefined ? `, $${p.costUsd}` : ''}`);
    }
    return report.outcome === 'valid' ? EXIT.ok : EXIT.failed;
  } finally {
    lock.release();
  }
}

function fmtValue(v: unknown): string {
  return typeof v === 'number' ? fmt(v) : JSON.stringify(v);
}
