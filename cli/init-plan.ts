/** From `autopilot init`'s flags to the files it writes, checking every flag first. */
import { randomInt } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Config } from '../domain/config/config.js';
import { ArgvError, shellQuote, splitArgv } from '../domain/scaffold/argv.js';
import { examplePolicy } from '../domain/scaffold/example-policy.js';
import { scaffoldSeedKey } from '../domain/scaffold/seed-key.js';
import { builtinSpec, SCRIPT_PATH, trainerSpec, workspaceFiles, type MetricSetting, type ScaffoldFile } from '../domain/scaffold/workspace-files.js';
import { PROJECT_ROOT } from '../adapters/workspace.js';
import { trainerArgvProblems } from './init-trainer.js';
import { initInputError, readConfigFile, readPuffer, type PufferSource } from './init-sources.js';

/** The flags of `init`, as commander gives them. */
export interface InitOptions {
  builtin?: boolean;
  trainer?: string;
  trainerCwd?: string;
  metric?: string;
  maximize?: boolean;
  minimize?: boolean;
  config?: string;
  fullConfig?: string;
  fromPuffer?: string;
  env?: string;
  /** False with --no-puffer-defaults. */
  pufferDefaults?: boolean;
  force?: boolean;
  json?: boolean;
}

/** A fresh workspace's proposer.seed: drawn here, so two workspaces propose differently unless told the same seed. */
function drawSeed(): number {
  return randomInt(0, 2 ** 32);
}

/** What init writes, a one-line summary of it, and notes for the user. */
export interface Plan {
  files: ScaffoldFile[];
  summary: string;
  notes: string[];
}

/** The flags `--builtin` does not take (it writes the shipped workspace as it is). */
const NOT_WITH_BUILTIN: [keyof InitOptions, string][] = [
  ['trainer', '--trainer'],
  ['trainerCwd', '--trainer-cwd'],
  ['metric', '--metric'],
  ['maximize', '--maximize'],
  ['minimize', '--minimize'],
  ['config', '--config'],
  ['fullConfig', '--full-config'],
  ['fromPuffer', '--from-puffer'],
  ['env', '--env'],
];

/** The shipped CartPole workspace; outside the repository its script is told where autopilot is (AUTOPILOT_HOME). */
export function builtinPlan(root: string, o: InitOptions): Plan {
  const given = NOT_WITH_BUILTIN.filter(([k]) => o[k] !== undefined).map(([, flag]) => flag);
  if (o.pufferDefaults === false) given.push('--no-puffer-defaults');
  if (given.length > 0) {
    throw initInputError(
      `--builtin writes the shipped CartPole workspace as it is and takes no ${given.join(', ')}; drop ${given.length === 1 ? 'it' : 'them'}, or drop --builtin to scaffold for your own trainer`,
    );
  }
  // The script finds autopilot two folders above itself, as in the repository's own autopilot/.
  const inRepository = dirname(root) === PROJECT_ROOT;
  const home: Record<string, string> = inRepository ? {} : { AUTOPILOT_HOME: PROJECT_ROOT };
  const notes = Object.keys(home).length > 0 ? [`trainer.env sets AUTOPILOT_HOME to ${PROJECT_ROOT}, where the built-in trainer is`] : [];
  // Inside autopilot's own repository a loop must not commit its runs to the tool's checkout.
  const git = inRepository ? { git: { enabled: false } } : {};
  return { files: workspaceFiles({ ...builtinSpec(home), ...git, seed: drawSeed() }), summary: 'the built-in CartPole trainer, metric mean_reward, maximize', notes };
}

/** A workspace for `--trainer`; every missing or conflicting flag is named at once. */
export function trainerPlan(root: string, o: InitOptions): Plan {
  const problems: string[] = [];
  if (o.trainer === undefined)
    problems.push(
      'missing --trainer ARGV: the command that trains one run, e.g. --trainer "python train.py" (the run\'s flags are appended to it); or --builtin for the built-in CartPole trainer',
    );
  if (o.maximize && o.minimize) problems.push('--maximize and --minimize both given: give one, the direction in which --metric is better');
  if (o.env !== undefined && o.fromPuffer === undefined) problems.push('--env is for --from-puffer FILE.ini (the env of the file to import for); give --from-puffer too, or drop --env');
  let argv: string[] = [];
  if (o.trainer !== undefined) {
    try {
      argv = splitArgv(o.trainer);
    } catch (e) {
      if (!(e instanceof ArgvError)) throw e;
      problems.push(e.message);
    }
  }
  const cwd = resolve(o.trainerCwd ?? '.');
  if (o.trainerCwd !== undefined && !(existsSync(cwd) && statSync(cwd).isDirectory())) problems.push(`--trainer-cwd ${o.trainerCwd}: no such folder; give the folder the trainer runs in`);
  problems.push(...trainerArgvProblems(argv, cwd, o.trainerCwd !== undefined));
  // Without a PufferLib file nothing else can name the metric: say so with the other flags.
  if (o.fromPuffer === undefined) problems.push(...metricOf(o, undefined).problems);
  if (problems.length > 0) throw initInputError(problems.length === 1 ? problems[0]! : `${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);

  const puffer = o.fromPuffer === undefined ? undefined : readPuffer(o.fromPuffer, o.env, o.pufferDefaults !== false);
  const config = o.config === undefined ? undefined : readConfigFile('--config', o.config);
  const full = o.fullConfig === undefined ? undefined : readConfigFile('--full-config', o.fullConfig);
  const { metric, problems: missing } = metricOf(o, puffer);
  if (metric === undefined) throw initInputError(`${missing.join('\n')}\n(${o.fromPuffer ?? ''} has no [sweep] metric and goal to take instead)`);
  const quick = config ?? puffer?.baseline ?? {};
  const baselines = { quick, full: full ?? config ?? puffer?.baseline ?? {} };
  const notes = [...(puffer?.defaults !== undefined ? [`merged ${puffer.defaults} under ${o.fromPuffer}, as PufferLib does`] : []), ...(puffer?.notes ?? [])];
  const policy = policyOf(puffer, quick, notes);
  // The seed of the quick baseline (the mode a workspace starts in), so replicates get fresh ones.
  const seed = scaffoldSeedKey(quick);
  if (Object.keys(quick).length === 0)
    notes.push("the baselines are empty: the trainer's own defaults make the first run; put the values you tune in configs/baseline_quick.json and baseline_full.json");
  const spec = trainerSpec({
    argv,
    // trainer.cwd is relative to the workspace; the script path in trainer.command to trainer.cwd.
    cwd: relative(root, cwd) || '.',
    script: relative(cwd, join(root, SCRIPT_PATH)),
    metric,
    policy,
    baselines,
  });
  return {
    files: workspaceFiles({ ...spec, ...(seed.seeds ? { seeds: seed.seeds } : {}), seed: drawSeed() }),
    notes: [...notes, ...seed.notes],
    summary: `trainer: ${argv.map(shellQuote).join(' ')}, metric ${metric.name}, ${metric.direction}`,
  };
}

/** --metric and its direction, or the `[sweep]` metric and goal of a PufferLib config; or what is missing. */
function metricOf(o: InitOptions, puffer: PufferSource | undefined): { metric?: MetricSetting; problems: string[] } {
  const name = o.metric ?? puffer?.metric.name;
  const fromIni = o.metric === undefined || o.metric === puffer?.metric.name ? puffer?.metric.direction : undefined;
  const direction = o.maximize ? 'maximize' : o.minimize ? 'minimize' : fromIni;
  const problems: string[] = [];
  if (name === undefined) problems.push("missing --metric NAME: the metric of the trainer's summary (a key of its samples or metrics) that decides which run is better");
  if (direction === undefined && !(o.maximize && o.minimize)) problems.push(`missing --maximize or --minimize: whether a higher or a lower ${name ?? 'metric'} is better`);
  return name === undefined || direction === undefined ? { problems } : { metric: { name, direction }, problems };
}

function policyOf(puffer: PufferSource | undefined, baseline: Config, notes: string[]): object {
  if (puffer?.policy !== undefined) return puffer.policy;
  const { policy, key } = examplePolicy(baseline);
  notes.push(`policy.json holds one example key, ${key}${puffer !== undefined ? ' (the PufferLib files sweep nothing)' : ''}: list the keys the proposer may tune, with their ranges`);
  return policy;
}
