/**
 * Every file `autopilot init` writes, as text: the settings, policy, baselines, trainer script,
 * prompt, the folders the loop writes into (each with a `.gitkeep`) and a `.gitignore` for the
 * generated state. Pure: the CLI writes them.
 */
import type { Config } from '../config/config.js';
import { FULL_TIMEOUT_DEFAULTS } from '../config/settings.js';
import { CARTPOLE_FULL, CARTPOLE_POLICY, CARTPOLE_PROMPT, CARTPOLE_QUICK } from './cartpole.js';
import { jsonFile, settingsFile } from './json-text.js';
import { BUILTIN_SCRIPT, GENERIC_PROMPT, GITIGNORE, trainerScript } from './scripts.js';

/** One file to write, relative to the workspace. */
export interface ScaffoldFile {
  path: string;
  text: string;
  /** rwxr-xr-x instead of rw-r--r--. */
  executable?: boolean;
}

/** A metric and its direction, as `autopilot.json` declares them. */
export interface MetricSetting {
  name: string;
  direction: 'maximize' | 'minimize';
}

type ModeTimeouts = { wall_seconds: number; no_output_seconds: number; grace_seconds: number };

/** What varies between scaffolded workspaces. */
export interface WorkspaceSpec {
  trainer: { command: string[]; cwd: string; env: Record<string, string> };
  metric: MetricSetting;
  timeouts: { quick: ModeTimeouts; full: ModeTimeouts };
  policy: object;
  baselines: { quick: Config; full: Config };
  script: string;
  prompt: string;
  /** proposer.seed: the root of the built-in optimizer's draws, drawn by `init` (absent: drawn on the first loop). */
  seed?: number;
  /** `git.enabled` when set (absent: the loop's default, commits inside a git work tree). */
  git?: { enabled: boolean };
  /** `seeds` when the baseline's seed is not at the default key (absent: `train.seed`). */
  seeds?: { key: string };
}

/** The folders the loop writes into; each gets a `.gitkeep` so it exists in a fresh clone. */
export const KEPT_FOLDERS = ['journal', 'logs', 'models', 'runs'] as const;
/** Where the trainer script goes. */
export const SCRIPT_PATH = 'scripts/run_training.sh';
/** Limits of one quick run of a trainer init knows nothing about: an hour, ten minutes without output. */
export const QUICK_TIMEOUT_DEFAULTS: ModeTimeouts = { wall_seconds: 3600, no_output_seconds: 600, grace_seconds: 10 };

/** The files of a workspace, in the order they are written. */
export function workspaceFiles(spec: WorkspaceSpec): ScaffoldFile[] {
  const settings = {
    trainer: spec.trainer,
    launcher: 'local',
    proposer: { kind: 'builtin', max_attempts: 3, ...(spec.seed === undefined ? {} : { seed: spec.seed }) },
    metric: spec.metric,
    runs: 5,
    mode: 'quick',
    timeouts: spec.timeouts,
    statistics: { alpha: 0.05, sidedness: 'two-sided', resamples: 10000, interval: 'welch', replicates: 1, inconclusive_replicates: 0 },
    retries: { max_attempts: 2 },
    budgets: { max_consecutive_failures: 3 },
    ...(spec.seeds === undefined ? {} : { seeds: spec.seeds }),
    ...(spec.git === undefined ? {} : { git: spec.git }),
  };
  return [
    { path: 'autopilot.json', text: settingsFile(settings) },
    { path: 'policy.json', text: jsonFile(spec.policy) },
    { path: 'configs/baseline_quick.json', text: jsonFile(spec.baselines.quick) },
    { path: 'configs/baseline_full.json', text: jsonFile(spec.baselines.full) },
    { path: SCRIPT_PATH, text: spec.script, executable: true },
    { path: 'prompts/propose.md', text: spec.prompt },
    { path: 'proposals/next_config.json', text: '{}\n' },
    ...KEPT_FOLDERS.map((f) => ({ path: `${f}/.gitkeep`, text: '' })),
    { path: '.gitignore', text: GITIGNORE },
  ];
}

/**
 * The shipped workspace (the built-in CartPole trainer). `env` is the trainer's extra environment:
 * empty for the repository's own `autopilot/`, `AUTOPILOT_HOME` for a copy elsewhere.
 */
export function builtinSpec(env: Record<string, string> = {}): WorkspaceSpec {
  return {
    trainer: { command: ['bash', SCRIPT_PATH], cwd: '.', env },
    metric: { name: 'mean_reward', direction: 'maximize' },
    timeouts: {
      quick: { wall_seconds: 180, no_output_seconds: 60, grace_seconds: 5 },
      full: { wall_seconds: 1800, no_output_seconds: 120, grace_seconds: 10 },
    },
    policy: CARTPOLE_POLICY,
    baselines: { quick: CARTPOLE_QUICK, full: CARTPOLE_FULL },
    script: BUILTIN_SCRIPT,
    prompt: CARTPOLE_PROMPT,
  };
}

/**
 * A workspace for the trainer `argv`, which runs in `cwd` (relative to the workspace) and is
 * started as `bash <script>` with `script` relative to `cwd`.
 */
export function trainerSpec(o: { argv: string[]; cwd: string; script: string; metric: MetricSetting; policy: object; baselines: { quick: Config; full: Config } }): WorkspaceSpec {
  return {
    trainer: { command: ['bash', o.script], cwd: o.cwd, env: {} },
    metric: o.metric,
    timeouts: { quick: QUICK_TIMEOUT_DEFAULTS, full: FULL_TIMEOUT_DEFAULTS },
    policy: o.policy,
    baselines: o.baselines,
    script: trainerScript(o.argv),
    prompt: GENERIC_PROMPT,
  };
}
