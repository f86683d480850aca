/**
 * `autopilot init [DIR]`: scaffolds a workspace for a trainer (`--trainer ARGV --metric NAME
 * --maximize|--minimize`, baselines from `--config` or PufferLib's `--from-puffer` ini), or the
 * shipped one for the built-in CartPole trainer (`--builtin`). Never overwrites without `--force`.
 */
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { kindConfined } from '../adapters/fs/confined.js';
import { parsePolicy, PolicyError } from '../domain/policy/policy.js';
import { shellQuote } from '../domain/scaffold/argv.js';
import type { ScaffoldFile } from '../domain/scaffold/workspace-files.js';
import { parseSettings, SettingsError } from '../domain/config/settings.js';
import { printJson, printLine } from '../orchestrator/console.js';
import { EXIT, UsageError } from '../domain/errors.js';
import { builtinPlan, trainerPlan, type InitOptions, type Plan } from './init-plan.js';
import { initInputError } from './init-sources.js';
import { checkRoot, findConflicts, irreplaceable, writeFiles, type Conflict } from './init-write.js';
import type { CliIo } from './io.js';

/** Adds `init` to `program`; the action stores its exit code in `result.code`. */
export function registerInitCommand(program: Command, result: { code: number }, io: CliIo): void {
  program
    .command('init')
    .description('scaffold a workspace for a trainer (or, with --builtin, the shipped CartPole one); never overwrites without --force')
    .argument('[dir]', 'the workspace folder to create', 'autopilot')
    .option('--trainer <argv>', 'the command that trains one run, e.g. "python train.py --foo": argv words, quoted as in a shell, never run through one; the run\'s flags are appended')
    .option('--trainer-cwd <dir>', 'where the trainer runs (default: the current directory)')
    .option('--metric <name>', "the metric of the trainer's summary that decides which run is better")
    .option('--maximize', 'a higher --metric is better')
    .option('--minimize', 'a lower --metric is better')
    .option('--config <file>', 'the baseline config (JSON of nested sections) of both modes')
    .option('--full-config <file>', 'the baseline config of full mode (default: --config)')
    .option('--from-puffer <file>', 'a PufferLib config (.ini): baselines from its sections, policy from its [sweep.*] sections, metric from [sweep]')
    .option('--env <name>', "with --from-puffer: the env to import for (one of the file's [base] env_name)")
    .option('--no-puffer-defaults', 'with --from-puffer: do not merge the default.ini found beside the file or one folder up')
    .option('--builtin', 'the shipped workspace of the built-in CartPole trainer')
    .option('--force', 'replace files that exist (and list them)')
    .addOption(new Option('--json', 'machine-readable output: one JSON object'))
    .action((dir: string, o: InitOptions) => {
      result.code = initCommand(dir, o, io);
    });
}

/** Runs `init`; returns the exit code, or throws an AutopilotError (exit 2) for bad input or files in the way. */
export function initCommand(dir: string, o: InitOptions, io: CliIo): number {
  const root = resolve(dir);
  checkRoot(root);
  const plan = o.builtin ? builtinPlan(root, o) : trainerPlan(root, o);
  selfCheck(plan.files);
  const conflicts = findConflicts(root, plan.files);
  if (conflicts.length > 0 && !o.force) {
    throw new UsageError(`nothing written: ${conflicts.length} path(s) in ${root} exist already:\n${list(conflicts)}\npass --force to replace them, or give another DIR`, { scope: 'init' });
  }
  const stuck = irreplaceable(conflicts);
  if (stuck.length > 0) throw new UsageError(`nothing written: --force replaces files, never a folder:\n${list(stuck)}\nmove them away first`, { scope: 'init' });
  writeFiles(root, plan.files, o.force === true);
  if (kindConfined(root, join(root, 'events.db')) !== null)
    plan.notes.push(`${root} holds an event log (events.db) already: init leaves it, and the next loop continues its history with these files (move it away for a fresh start)`);
  report(dir, root, plan, conflicts, o.json === true, io);
  return EXIT.ok;
}

/** The settings and policy written must pass autopilot's own parsers (a bad --metric name shows here). */
function selfCheck(files: readonly ScaffoldFile[]): void {
  const text = (path: string) => JSON.parse(files.find((f) => f.path === path)?.text ?? 'null') as unknown;
  try {
    parseSettings(text('autopilot.json'));
    parsePolicy(text('policy.json'));
  } catch (e) {
    if (e instanceof SettingsError) throw initInputError(`the flags give an invalid autopilot.json:\n${e.message}`);
    if (e instanceof PolicyError) throw initInputError(`the inputs give an invalid policy.json:\n${e.issues.map((i) => `  - ${i}`).join('\n')}`);
    throw e;
  }
}

function list(conflicts: readonly Conflict[]): string {
  return conflicts.map((c) => `  - ${c.path} (${c.what})`).join('\n');
}

function report(dir: string, root: string, plan: Plan, replaced: readonly Conflict[], json: boolean, io: CliIo): void {
  const ws = shellQuote(dir);
  const next = [
    `edit ${dir}/policy.json: the keys the proposer may tune, with their ranges (autopilot policy schema prints what the file may hold)`,
    `autopilot check --workspace ${ws}`,
    `autopilot loop --dry-run --workspace ${ws}`,
    `autopilot loop --workspace ${ws}`,
  ];
  const written = plan.files.map((f) => f.path);
  if (json) {
    printJson({ workspace: root, written, replaced: replaced.map((c) => c.path), notes: plan.notes, next }, io.out);
    return;
  }
  printLine(`wrote ${written.length} files in ${root} (${plan.summary})`, io.out);
  for (const path of written) printLine(`  ${path}`, io.out);
  if (replaced.length > 0) {
    printLine(`replaced (--force):`, io.out);
    for (const c of replaced) printLine(`  ${c.path} (was ${c.what})`, io.out);
  }
  for (const note of plan.notes) printLine(`note: ${note}`, io.out);
  printLine('next steps:', io.out);
  next.forEach((step, i) => printLine(`  ${i + 1}. ${step}`, io.out));
}
