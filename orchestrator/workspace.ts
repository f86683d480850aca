/** The workspace on disk: where each file lives, and loading the user's files with clear errors. */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../domain/config.js';
import { parsePolicy, type Policy } from '../domain/policy.js';
import { parseSettings, type Settings } from '../domain/settings.js';

/** The project's root directory (where `dist/`, `trainers/` and the shipped workspace live). */
export const PROJECT_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', fileURLToPath(import.meta.url).includes('/dist/') ? '..' : '.');

/** Raised when a workspace file is missing or invalid; the CLI prints it and exits 2. */
export class WorkspaceError extends Error {}

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
  baseline(mode: 'quick' | 'full'): string;
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

function readJson(path: string, what: string): unknown {
  if (!existsSync(path)) throw new WorkspaceError(`${what} not found at ${path}`);
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new WorkspaceError(`${what} at ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Loads and validates `autopilot.json`. */
export function loadSettings(paths: WorkspacePaths): Settings {
  try {
    return parseSettings(readJson(paths.settings, 'settings (autopilot.json)'), paths.settings);
  } catch (err) {
    throw err instanceof WorkspaceError ? err : new WorkspaceError((err as Error).message);
  }
}

/** Loads and validates `policy.json`. */
export function loadPolicy(paths: WorkspacePaths): Policy {
  try {
    return parsePolicy(readJson(paths.policy, 'policy (policy.json)'));
  } catch (err) {
    if (err instanceof WorkspaceError) throw err;
    throw new WorkspaceError(`${paths.policy}: ${(err as Error).message}`);
  }
}

/** Loads the baseline config of a mode. */
export function loadBaseline(paths: WorkspacePaths, mode: 'quick' | 'full'): Config {
  const raw = readJson(paths.baseline(mode), `baseline config for ${mode} mode`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new WorkspaceError(`${paths.baseline(mode)} must hold a JSON object of config sections`);
  return raw as Config;
}

/** Fails with a clear message when `dir` is not a workspace. */
export function assertWorkspace(paths: WorkspacePaths): void {
  if (!existsSync(paths.settings))
    throw new WorkspaceError(`${paths.root} is not an autopilot workspace (no autopilot.json); pass --workspace DIR`);
}

/** Resolves a path from settings against the workspace. */
export function inWorkspace(paths: WorkspacePaths, p: string): string {
  return isAbsolute(p) ? p : join(paths.root, p);
}
