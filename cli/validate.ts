/**
 * `autopilot validate FILE [--base RUN] [--mode quick|full]`: checks a proposal file the way the
 * loop does (strict parse, then `validateOverrides` against the policy and the base config) and
 * prints the merged, normalized config with its diff and normalizations, or every error.
 * Read-only: never writes the workspace or the log.
 */
import { existsSync, readFileSync } from 'node:fs';
import { baseConfigFor } from '../domain/config/base-config.js';
import type { Config } from '../domain/config/config.js';
import { formatValue } from '../domain/text/format.js';
import { runIdOf } from '../domain/text/numbers.js';
import { parseProposalText } from '../domain/policy/proposal.js';
import { fromRecordable, toRecordable } from '../domain/policy/recordable.js';
import { resumeCheckpoint } from '../domain/run/launch-plan.js';
import { validateOverrides, type ValidationError } from '../domain/policy/validate.js';
import { checkpointPointers, foldView, knownCheckpoints, type WorkspaceView } from '../projections/view.js';
import { loadBaseline, loadPolicy, loadSettings, type WorkspacePaths } from '../adapters/workspace.js';
import { printJson, printLine } from '../orchestrator/console.js';
import { openReader } from './open-store.js';
import { EXIT, UsageError } from '../domain/errors.js';
import type { CliIo } from './io.js';
import type { Mode } from '../domain/config/mode.js';

/** Options of `autopilot validate`. */
export type ValidateCommandOptions = { workspace: string; base?: string; mode?: Mode; json?: boolean };

/** What the proposal was checked against. */
export type BaseDescription = { kind: 'incumbent' | 'baseline' | 'run'; run: string | null; mode: Mode | null; label: string };

/**
 * Runs `validate`; returns 0 when the proposal is valid, 1 when it is rejected; throws a
 * UsageError or WorkspaceError (exit 2) for an unreadable file, an unknown `--base` run, bad workspace files.
 */
export function validateCommand(file: string, o: ValidateCommandOptions, io: CliIo): number {
  const { paths, store } = openReader(o.workspace);
  let view: WorkspaceView | null = null;
  if (store) {
    try {
      view = foldView(store.readAll());
    } finally {
      store.close();
    }
  }
  const settings = loadSettings(paths);
  const policy = loadPolicy(paths);
  const base = resolveBase(paths, view, o.base, o.mode ?? settings.mode);
  const text = readProposal(file);

  // The loop's path: the proposer's answer is parsed strictly, recorded (toRecordable) and
  // validated from the record (fromRecordable) against the base.
  const parsed = parseProposalText(text);
  // Every error at once: a wrong envelope (no rationale) does not hide what is wrong with the overrides.
  const checked = parsed.ok
    ? validateOverrides(fromRecordable(toRecordable(parsed.proposal.overrides)), base.config, policy)
    : { ok: false as const, errors: [...parsed.errors, ...overrideErrors(parsed.overrides, base.config, policy)] };
  const result = checked.ok ? checkResume(checked, view) : checked;

  if (o.json) {
    const out = result.ok
      ? { ok: true, base: base.description, config: result.config, diff: result.diff, normalizations: result.normalizations }
      : { ok: false, base: base.description, errors: result.errors.map(recordableError) };
    printJson(out, io.out);
    return result.ok ? EXIT.ok : EXIT.failed;
  }
  const out = (line: string) => printLine(line, io.out);
  if (!result.ok) {
    out(`rejected: ${file} (${result.errors.length} error${result.errors.length === 1 ? '' : 's'}; base: ${base.description.label})`);
    for (const e of result.errors) out(`  ${e.key} [${e.rule}]: ${e.message}`);
    return EXIT.failed;
  }
  out(`valid: ${file} (base: ${base.description.label})`);
  out('config:');
  for (const line of JSON.stringify(result.config, null, 2).split('\n')) out(`  ${line}`);
  out(result.diff.length === 0 ? 'diff: none' : `diff (${result.diff.length}):`);
  for (const c of result.diff) out(`  ${c.key}: ${shown(c.from)} -> ${shown(c.to)}`);
  out(result.normalizations.length === 0 ? 'normalizations: none' : `normalizations (${result.normalizations.length}):`);
  for (const n of result.normalizations) out(`  ${n.key}: ${shown(n.before)} -> ${shown(n.after)} (${n.rule})`);
  return EXIT.ok;
}

/** The errors of `overrides` on their own (none when there are none to check). */
function overrideErrors(overrides: Record<string, unknown> | undefined, base: Config, policy: Parameters<typeof validateOverrides>[2]): ValidationError[] {
  if (!overrides) return [];
  const r = validateOverrides(fromRecordable(toRecordable(overrides)), base, policy);
  return r.ok ? [] : r.errors;
}

/** As the loop's launch plan does: a checkpoint to resume from must be one the log knows. */
function checkResume<T extends { config: Config; override: Record<string, unknown> }>(result: T, view: WorkspaceView | null): T | { ok: false; errors: ValidationError[] } {
  const pointers = view ? checkpointPointers(view) : { latest: null, best: null };
  const resume = resumeCheckpoint(result.config, result.override, {
    latest: pointers.latest?.path ?? null,
    best: pointers.best?.path ?? null,
    known: view ? knownCheckpoints(view) : [],
  });
  return resume.ok ? result : { ok: false, errors: [resume.error] };
}

/**
 * The base config: `--base RUN` is that run's accepted config; otherwise the incumbent's
 * (the mode's baseline with the incumbent's override, as the loop computes it), or the
 * baseline when there is no incumbent (a fresh workspace).
 */
function resolveBase(paths: WorkspacePaths, view: WorkspaceView | null, runArg: string | undefined, mode: Mode): { config: Config; description: BaseDescription } {
  if (runArg !== undefined) {
    const runId = /^\d+$/.test(runArg) && runArg.length < 3 ? runIdOf(Number(runArg)) : runArg;
    const accepted = view ? [...view.runs.values()].filter((r) => r.accepted !== null).map((r) => r.runId) : [];
    const found = view?.runs.get(runId)?.accepted;
    if (!found) {
      const known = accepted.length > 0 ? `known runs with an accepted config: ${accepted.join(', ')}` : 'the log holds no runs yet';
      throw new UsageError(`--base ${runArg}: no run ${JSON.stringify(runId)} with an accepted config; ${known}`);
    }
    return { config: found.config, description: { kind: 'run', run: runId, mode: null, label: `run ${runId}'s accepted config` } };
  }
  const baseline = loadBaseline(paths, mode);
  const incumbent = view?.incumbent?.ref ?? null;
  if (!incumbent) {
    return { config: baseline, description: { kind: 'baseline', run: null, mode, label: `the ${mode} baseline (no incumbent yet)` } };
  }
  return {
    config: baseConfigFor(baseline, incumbent.override),
    description: { kind: 'incumbent', run: incumbent.runId, mode, label: `incumbent run ${incumbent.runId} (the ${mode} baseline with its override)` },
  };
}

function readProposal(file: string): string {
  if (!existsSync(file)) throw new UsageError(`proposal file ${file} not found`);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read proposal file ${file}: ${(e as Error).message}`);
  }
}

/** An error whose value survives JSON (NaN → `{"$nonFinite": "NaN"}`, as in the log). */
function recordableError(e: ValidationError): ValidationError {
  return { ...e, value: toRecordable(e.value) };
}

function shown(value: unknown): string {
  return value === null ? '(unset)' : formatValue(value);
}
