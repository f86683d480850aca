/**
 * The preflight's reading of the workspace files: autopilot.json, policy.json and the baselines,
 * each parsed (never through a link, never a FIFO), every problem kept rather than the first thrown.
 */
import { join } from 'node:path';
import { kindConfined } from '../../adapters/fs/confined.js';
import { readUserText } from '../../adapters/fs/user-files.js';
import type { Config } from '../../domain/config/config.js';
import { isPlainObject } from '../../domain/config/path.js';
import { parsePolicy, PolicyError, type Policy } from '../../domain/policy/policy.js';
import type { PreflightProblem } from '../../domain/preflight/problem.js';
import { SettingsSchema, type Settings } from '../../domain/config/settings.js';
import { jsonSyntaxError } from '../../domain/text/strict-json.js';
import type { WorkspacePaths } from '../../adapters/workspace.js';
import type { Mode } from '../../domain/config/mode.js';

/** A parsed file, or the problems that kept it from parsing. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: PreflightProblem[]; missing?: true };

/** The JSON of a workspace file (`rel` relative to the workspace). */
export function readJsonFile(paths: WorkspacePaths, rel: string, what: string): Parsed<unknown> {
  const path = join(paths.root, rel);
  if (kindConfined(paths.root, path) === null) return { ok: false, problems: [{ file: rel, problem: `not found at ${path}` }], missing: true };
  let text: string;
  try {
    text = readUserText(paths.root, path, what);
  } catch (e) {
    return { ok: false, problems: [{ file: rel, problem: (e as Error).message }] };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, problems: [{ file: rel, problem: `not valid JSON: ${jsonSyntaxError(text) ?? (e as Error).message}`, allowed: 'one JSON object' }] };
  }
}

const METRIC_ALLOWED = '{"name": "<a metric the trainer reports, e.g. mean_reward>", "direction": "maximize" | "minimize"}';

/** autopilot.json: every field problem on its own, and a clear word when the metric is not declared. */
export function parseSettingsFile(paths: WorkspacePaths): Parsed<Settings> {
  const raw = readJsonFile(paths, 'autopilot.json', 'settings (autopilot.json)');
  if (!raw.ok) return raw;
  const problems: PreflightProblem[] = [];
  // The metric is never guessed: say so plainly rather than as a schema error.
  const metric = isPlainObject(raw.value) ? raw.value['metric'] : undefined;
  const undeclared = (field: string) => !isPlainObject(metric) || metric[field] === undefined;
  if (isPlainObject(raw.value) && undeclared('name')) problems.push({ file: 'autopilot.json', key: 'metric.name', problem: 'the metric is not declared', allowed: METRIC_ALLOWED });
  if (isPlainObject(raw.value) && undeclared('direction'))
    problems.push({ file: 'autopilot.json', key: 'metric.direction', problem: 'the direction of the metric is not declared', allowed: '"maximize" or "minimize"' });
  const parsed = SettingsSchema.safeParse(raw.value);
  if (parsed.success && problems.length === 0) return { ok: true, value: parsed.data };
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const key = issue.path.map(String).join('.');
    if (problems.some((p) => p.key !== undefined && (key === p.key || p.key.startsWith(`${key}.`)))) continue;
    problems.push({ file: 'autopilot.json', ...(key ? { key } : {}), problem: issue.message });
  }
  return { ok: false, problems };
}

/** policy.json: every problem `parsePolicy` names. */
export function parsePolicyFile(paths: WorkspacePaths): Parsed<Policy> {
  const raw = readJsonFile(paths, 'policy.json', 'policy (policy.json)');
  if (!raw.ok) return raw;
  try {
    return { ok: true, value: parsePolicy(raw.value) };
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    return { ok: false, problems: e.issues.map((issue) => ({ file: 'policy.json', problem: issue })) };
  }
}

/** The workspace-relative file of a mode's baseline. */
export function baselineFile(mode: Mode): string {
  return `configs/baseline_${mode}.json`;
}

/** A mode's baseline: a JSON object of config sections. */
export function parseBaselineFile(paths: WorkspacePaths, mode: Mode): Parsed<Config> {
  const file = baselineFile(mode);
  const raw = readJsonFile(paths, file, `baseline config for ${mode} mode`);
  if (!raw.ok) return raw;
  if (!isPlainObject(raw.value))
    return { ok: false, problems: [{ file, problem: 'is not a JSON object', allowed: 'an object of config sections, e.g. {"train": {"learning_rate": 0.001}}' }] };
  return { ok: true, value: raw.value as Config };
}
