/** The workspace on disk: where each file lives, and loading the user's files with clear errors. */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { readUserText } from './fs/user-files.js';
import { unsafeStoreFile } from './store-files.js';
import { fileURLToPath } from 'node:url';
import type { Config } from '../domain/config/config.js';
import { parsePolicy, type Policy } from '../domain/policy/policy.js';
import { jsonSyntaxError } from '../domain/text/strict-json.js';
import { parseSettings, type Settings } from '../domain/config/settings.js';
import { AutopilotError, type ErrorDetails } from '../domain/errors.js';
import type { Mode } from '../domain/config/mode.js';

/** The project's root directory (where `dist/`, `trainers/` and the shipped workspace live). */
export const PROJECT_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', fileURLToPath(import.meta.url).includes('/dist/') ? '..' : '.');

/** Raised when a workspace file is missing or invalid; the CLI prints it and exits 2. */
export class WorkspaceError extends AutopilotError {
  constructor(problem: string, details?: ErrorDetails) {
    super('workspace', problem, details);
  }
}

/** Paths of one workspace. */
export interface WorkspacePaths {
  root: string;
  settings: string;
  policy: string;
  events: string;
  /** Data of events too large for the log, by sha256 (see `events/blobs.ts`). */
  blobs: string;
  lock: string;
  stopFile: string;
  nextConfig: string;
  baseline(mode: Mode): string;
  runDir(runId: string): string;
  log(runId: string): string;
}

/** Paths of the workspace at `dir` (resolved against the current directory). */
export function workspacePaths(dir: string): WorkspacePaths {
  const root = resolve(dir);
  return {
    root,
    settings: join(root, 'autopilot.json'),
    policy: join(root, 'policy.json'),
    events: join(root, 'events.db'),
    blobs: join(root, 'blobs'),
    lock: join(root, 'autopilot.lock'),
    stopFile: join(root, 'STOP'),
    nextConfig: join(root, 'proposals', 'next_config.json'),
    baseline: (mode) => join(root, 'configs', `baseline_${mode}.json`),
    runDir: (runId) => join(root, 'runs', runId),
    log: (runId) => join(root, 'logs', `${runId}.log`),
  };
}

// `recorded`: the text a session bound (from the log), parsed instead of the file on disk.
function readJson(root: string, path: string, what: string, recorded?: string): unknown {
  let text: string;
  try {
    text = recorded ?? readUserText(root, path, what);
  } catch (err) {
    throw new WorkspaceError((err as Error).message);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new WorkspaceError(`${what} at ${path} is not valid JSON: ${jsonSyntaxError(text) ?? (err as Error).message}`);
  }
}

/** Loads and validates `autopilot.json` (or, given, the text a session recorded of it). */
export function loadSettings(paths: WorkspacePaths, recorded?: string): Settings {
  try {
    return parseSettings(readJson(paths.root, paths.settings, 'settings (autopilot.json)', recorded), paths.settings);
  } catch (err) {
    throw err instanceof WorkspaceError ? err : new WorkspaceError((err as Error).message);
  }
}

/** Loads and validates `policy.json` (or, given, the text a session recorded of it). */
export function loadPolicy(paths: WorkspacePaths, recorded?: string): Policy {
  try {
    return parsePolicy(readJson(paths.root, paths.policy, 'policy (policy.json)', recorded));
  } catch (err) {
    if (err instanceof WorkspaceError) throw err;
    throw new WorkspaceError(`${paths.policy}: ${(err as Error).message}`);
  }
}

/** Loads the baseline config of a mode (or, given, the text a session recorded of it). */
export function loadBaseline(paths: WorkspacePaths, mode: Mode, recorded?: string): Config {
  const raw = readJson(paths.root, paths.baseline(mode), `baseline config for ${mode} mode`, recorded);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new WorkspaceError(`${paths.baseline(mode)} must hold a JSON object of config sections`);
  return raw as Config;
}

/**
 * Fails with a clear message when `dir` is not a workspace, or when its log's or lock's files are
 * not regular files of their own (SQLite would follow or write through them): before anything is opened.
 */
export function assertWorkspace(paths: WorkspacePaths): void {
  if (!existsSync(paths.settings)) {
    // Run from inside a workspace, the default `autopilot` names a folder in it: point at the workspace instead.
    const parent = dirname(paths.root);
    const hint = existsSync(join(parent, 'autopilot.json'))
      ? `${parent} is one: pass --workspace ${parent} (--workspace . from inside it)`
      : `pass --workspace DIR, or make one with autopilot init ${paths.root} --trainer "python train.py" --metric NAME --maximize (or --builtin for the built-in CartPole trainer)`;
    throw new WorkspaceError(`${paths.root} is not an autopilot workspace (no autopilot.json)`, { hint });
  }
  const unsafe = unsafeStoreFile(paths.root);
  if (unsafe)
    throw new WorkspaceError(
      `${unsafe.path} is ${unsafe.what}, not a regular file of its own: the event log and the lock are never opened through it, and nothing was recorded. Remove it (or put the real file back) and run again`,
    );
}

/** Resolves a path from settings against the workspace. */
export function inWorkspace(paths: WorkspacePaths, p: string): string {
  return isAbsolute(p) ? p : join(paths.root, p);
}
