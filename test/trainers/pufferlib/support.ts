/** Shared pieces of the PufferLib trainer tests: paths, the example workspace, the fake's record. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import type { Config } from '../../../domain/config/config.js';
import { ROOT } from '../../support/workspace.js';

/** The shim under test. */
export const SHIM = join(ROOT, 'trainers', 'pufferlib', 'autopilot_shim.py');
/** The folder to put on PYTHONPATH for the fake `pufferlib` package. */
export const FAKE_PUFFERLIB = join(ROOT, 'test', 'fixtures', 'pufferlib');
/** The example workspace. */
export const EXAMPLE = join(ROOT, 'examples', 'puffer_drone_pp');
/** The Python the tests run (the shim's default, `python3` on PATH). */
export const PYTHON = 'python3';

/** What the fake recorded for one `train()` call. */
export interface FakeCall {
  argv: string[] | null;
  env_name: string;
  via_load_config: boolean;
  args: Record<string, unknown> & { train: Record<string, unknown>; env: Record<string, unknown>; vec: Record<string, unknown> };
  env: Record<string, string>;
  pid: number;
  /** The checkpoint `load_model_path` named, as the fake saved it (null for a fresh run). */
  loaded_model: { kind: string; run_id: string; epoch: number; resumed_from: string | null } | null;
}

/** The calls recorded in a FAKE_PUFFERLIB_RECORD file (none when it does not exist). */
export function fakeCalls(path: string): FakeCall[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as FakeCall);
}

/** Reads a JSON file. */
export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** A config file's sections. */
export type Sections = Config & { train: Config; env: Config; vec: Config };

const GENERATED = /^(events\.db.*|autopilot\.lock.*|STOP)$/;

/** Copies the example workspace into a fresh temp dir, leaving out anything a loop generated there. */
export function copyExample(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'puffer-example-')), 'puffer_drone_pp');
  cpSync(EXAMPLE, dir, {
    recursive: true,
    filter: (from) => {
      const rel = relative(EXAMPLE, from);
      if (rel === '') return true;
      if (GENERATED.test(basename(rel))) return false;
      const [top, ...rest] = rel.split('/');
      if (['runs', 'logs', 'journal', 'models', 'experiments'].includes(top!) && rest.length > 0) return rest[0] === '.gitkeep';
      if (top === 'proposals' && rest.length > 0) return rest[0] === 'next_config.json';
      return true;
    },
  });
  return dir;
}

/** True when `python3` runs here (the tests of this folder need it). */
export function hasPython(): boolean {
  return spawnSync(PYTHON, ['-c', 'import sys; sys.exit(0)'], { encoding: 'utf8' }).status === 0;
}

/** Runs `python3 [PYTHON FLAGS] autopilot_shim.py ARGS` with the fake package on PYTHONPATH and `env` over the environment (it may override PYTHONPATH). */
export function spawnShim(args: string[], env: Record<string, string>, pythonFlags: string[] = []) {
  return spawnSync(PYTHON, [...pythonFlags, SHIM, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, PYTHONPATH: FAKE_PUFFERLIB, PYTHONDONTWRITEBYTECODE: '1', ...env },
  });
}
