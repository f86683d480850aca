/** The `autopilot` command line: each command takes --workspace DIR and --json; exit 0 ok, 1 failed or halted, 2 usage. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { config as zodConfig } from 'zod';
import { escapeLines } from '../domain/text/escape.js';
import { EXIT, UsageError } from '../domain/errors.js';
import { runCli } from './runner.js';
import { processIo, type CliIo } from './io.js';
import { parseAnchorArg, type GivenAnchor } from '../events/anchor.js';
import { MAX_PROPOSER_SEED, PROPOSER_KINDS, type ProposerKindSetting } from '../domain/config/settings.js';
import { registerInitCommand } from './init.js';
import { registerInspectCommand } from './inspect.js';
import { registerEvalCommand } from './eval.js';
import { registerMcpCommand } from './mcp.js';
import { registerPolicyCommand } from './policy.js';
import { STOP_WAIT_SECONDS } from './stop-wait.js';
import { MODES, type Mode } from '../domain/config/mode.js';

function positiveInt(what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${what} must be a positive integer, got "${value}"`);
    return n;
  };
}

function seedArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > MAX_PROPOSER_SEED) throw new InvalidArgumentError(`--seed must be an integer from 0 to ${MAX_PROPOSER_SEED}, got "${value}"`);
  return n;
}

function anchorArg(value: string, previous: GivenAnchor[]): GivenAnchor[] {
  try {
    return [...previous, parseAnchorArg(value)];
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

const workspaceOption = () => new Option('--workspace <dir>', 'workspace directory').default('autopilot');
const proposerOption = (what: string) => new Option('--proposer <kind>', what).choices(PROPOSER_KINDS.filter((k) => k !== 'tpe'));
const jsonOption = () => new Option('--json', 'machine-readable output: one JSON object per line');

// Each command's module is imported when the command runs (`await import`), so a short command
// does not load the loop, the statistics or the MCP SDK: `autopilot --help` starts in ~0.4 s, not ~1.3 s.

/** Builds the program; actions print to `io` and store their exit code in `result.code`. */
export function buildProgram(result: { code: number }, io: CliIo): Command {
  const program = new Command('autopilot')
    .description('Event-sourced tuning loop for RL training runs')
    .exitOverride()
    // Help and usage errors echo what was typed: escaped like every other output.
    .configureOutput({ writeOut: (s) => io.out.write(escapeLines(s)), writeErr: (s) => io.err.write(escapeLines(s)) })
    .showHelpAfterError('(run autopilot --help for usage)');
  program
    .command('loop')
    .description('run the tuning loop (resumes an unfinished session, else starts N more runs)')
    .addOption(workspaceOption())
    .option('--runs <n>', 'runs in this session (default: autopilot.json "runs")', positiveInt('--runs'))
    .option(
      '--parallel <k>',
      'runs in flight at once in a new session, recorded in LoopStarted (default: autopilot.json "parallel", else one per GPU of launcher.local.gpus, else 1)',
      positiveInt('--parallel'),
    )
    .addOption(new Option('--mode <mode>', 'baseline config and timeouts to use').choices(MODES))
    .addOption(proposerOption('the proposer of this session (default: autopilot.json proposer.kind)'))
    .addOption(
      new Option(
        '--seed <n>',
        'root seed of every draw of the builtin and random proposers in a new session, recorded in LoopStarted; the same seed on the same history proposes the same configs (default: autopilot.json proposer.seed, else the seed the log last recorded, else one drawn at random on the first loop)',
      ).argParser(seedArg),
    )
    .addOption(
      new Option(
        '--accept-input-changes <why>',
        'resume with the workspace inputs (autopilot.json, policy.json, baselines, prompt, trainer script) as they are now, recording why; without it, changes made during a session are put back',
      ).argParser((why: string) => {
        if (why.trim() === '') throw new InvalidArgumentError('needs a reason, e.g. --accept-input-changes "widened the learning-rate range"');
        return why;
      }),
    )
    .option('--dry-run', 'check the workspace, run the baseline config once in a scratch folder outside it, and report the metric; records nothing')
    .addOption(jsonOption())
    .action(
      async (o: {
        workspace: string;
        runs?: number;
        parallel?: number;
        mode?: Mode;
        proposer?: ProposerKindSetting;
        json?: boolean;
        acceptInputChanges?: string;
        dryRun?: boolean;
        seed?: number;
      }) => {
        if (o.dryRun) {
          const given =
            o.runs !== undefined
              ? '--runs'
              : o.parallel !== undefined
                ? '--parallel'
                : o.seed !== undefined
                  ? '--seed'
                  : o.acceptInputChanges !== undefined
                    ? '--accept-input-changes'
                    : null;
          if (given) throw new UsageError(`--dry-run runs the baseline once and records nothing; ${given} does not apply`);
          result.code = await (await import('../orchestrator/dry-run.js')).dryRun({ workspace: o.workspace, mode: o.mode, proposer: o.proposer, json: o.json, ...io });
          return;
        }
        result.code = await (
          await import('../orchestrator/run-loop.js')
        ).runLoop({
          workspace: o.workspace,
          runs: o.runs,
          mode: o.mode,
          proposer: o.proposer,
          ...(o.seed !== undefined ? { seed: o.seed } : {}),
          ...(o.parallel !== undefined ? { parallel: o.parallel } : {}),
          json: o.json,
          handleSignals: true,
          ...io,
          ...(o.acceptInputChanges !== undefined ? { acceptInputChanges: o.acceptInputChanges } : {}),
        });
      },
    );
  program
    .command('check')
    .description(
      "the loop's preflight on its own: every problem that would keep a session from starting (files, policy keys, rules, trainer, prompt, metric, containment), or what it would start with",
    )
    .addOption(workspaceOption())
    .addOption(new Option('--mode <mode>', 'the mode to check for (default: autopilot.json "mode")').choices(MODES))
    .addOption(proposerOption('the proposer to check for (default: autopilot.json proposer.kind)'))
    .option('--parallel <k>', 'the runs in flight to check for (default: autopilot.json "parallel", else one per GPU, else 1)', positiveInt('--parallel'))
    .addOption(jsonOption())
    .action(async (o: { workspace: string; mode?: Mode; proposer?: ProposerKindSetting; parallel?: number; json?: boolean }) => {
      result.code = await (await import('./check.js')).checkCommand(o, io);
    });
  program
    .command('propose')
    .description('run just the proposer against the current history and validate its answer, recording nothing (for trying a prompt)')
    .addOption(workspaceOption())
    .option('--once', 'run the proposer once (required)')
    .addOption(proposerOption('the proposer to run (default: autopilot.json proposer.kind)'))
    .addOption(new Option('--mode <mode>', 'baseline config the proposal is validated against').choices(MODES))
    .addOption(jsonOption())
    .action(async (o: { workspace: string; once?: boolean; proposer?: ProposerKindSetting; mode?: Mode; json?: boolean }) => {
      result.code = await (await import('./propose.js')).proposeCommand(o, io);
    });
  program
    .command('rebuild')
    .description(
      'render every projection again from the event log and make the files match it byte for byte: rewrite what differs or is missing, remove what the log does not render, leave the rest (trainer outputs, logs and checkpoints are not in the log and are not touched)',
    )
    .addOption(workspaceOption())
    .addOption(jsonOption())
    .action(async (o: { workspace: string; json?: boolean }) => {
      result.code = (await import('./rebuild.js')).rebuildCommand(o, io);
    });
  program
    .command('events')
    .description('print the event log')
    .addOption(workspaceOption())
    .addOption(jsonOption())
    .option('--type <type>', 'only events of this type')
    .option('--run <id>', 'only events of this run')
    .option('--from <seq>', 'start at this sequence number', positiveInt('--from'))
    .option('--limit <n>', 'print at most n events', positiveInt('--limit'))
    .action(async (o: { workspace: string; json?: boolean; type?: string; run?: string; from?: number; limit?: number }) => {
      result.code = (await import('./events.js')).eventsCommand(o, io);
    });
  program
    .command('stop')
    .description('stop the running loop after its current run (--now: kill the running trainer), and wait for it to exit')
    .addOption(workspaceOption())
    .option('--now', 'stop at once: the running trainer is killed and the run recorded as failed (killed)')
    .option('--wait <seconds>', `how long to wait for the loop to exit (default ${STOP_WAIT_SECONDS})`, positiveInt('--wait'))
    .addOption(jsonOption())
    .action(async (o: { workspace: string; now?: boolean; wait?: number; json?: boolean }) => {
      result.code = await (await import('./stop.js')).stopCommand(o, io);
    });
  program
    .command('status')
    .description('sessions, runs and the incumbent, read from the log without disturbing a running loop')
    .addOption(workspaceOption())
    .addOption(jsonOption())
    .option('--optimizer', 'per policy key, what the last 20 proposals explored: distinct values, range, and how close together (a frozen key shows)')
    .action(async (o: { workspace: string; json?: boolean; optimizer?: boolean }) => {
      result.code = o.optimizer ? (await import('./status-optimizer.js')).statusOptimizerCommand(o, io) : (await import('./status.js')).statusCommand(o, io);
    });
  program
    .command('audit')
    .description('the decision chain of one run, from the log alone: proposer, validation, diff, launches, outcome, verdict, journal')
    .argument('<run>', 'run id, such as 002')
    .addOption(workspaceOption())
    .addOption(jsonOption())
    .action(async (run: string, o: { workspace: string; json?: boolean }) => {
      result.code = (await import('./audit.js')).auditCommand(run, o, io);
    });
  program
    .command('rollback')
    .description('make an earlier run the incumbent again (recorded, history kept): the next proposals build on it, the next runs are compared against it')
    .argument('<run>', 'run id, such as 007')
    .option('--why <text>', 'why (recorded with the rollback; required)')
    .option('--by <name>', 'who rolls back (default: the OS user)')
    .option('--restore-inputs', "also put back policy.json, the baselines and the prompts from the run's commit (tag autopilot/run-<id>)")
    .addOption(workspaceOption())
    .addOption(jsonOption())
    .action(async (run: string, o: { workspace: string; why?: string; by?: string; restoreInputs?: boolean; json?: boolean }) => {
      result.code = (await import('./rollback.js')).rollbackCommand(run, o, io);
    });
  program
    .command('diff')
    .description("run B's config against run A's, and B's sample compared with A's (seeded interval, as the loop judges)")
    .argument('<run-a>', 'run id, such as 007')
    .argument('<run-b>', 'run id, such as 009')
    .addOption(workspaceOption())
    .addOption(jsonOption())
    .action(async (a: string, b: string, o: { workspace: string; json?: boolean }) => {
      result.code = (await import('./diff.js')).diffCommand(a, b, o, io);
    });
  program
    .command('replay')
    .description('the machine state and context, and the workspace view, right after event SEQ of the log')
    .requiredOption('--at <seq>', 'sequence number of the event to replay up to')
    .addOption(workspaceOption())
    .addOption(jsonOption())
    .action(async (o: { workspace: string; at: string; json?: boolean }) => {
      result.code = (await import('./replay.js')).replayCommand(o, io);
    });
  program
    .command('plot')
    .description(
      "draw the optimizer progress (journal/plots/progress.svg: each run's mean with its 95% t-interval, the incumbent, failed runs) and each run's learning curve (runs/<id>/learning_curve.svg) from the log, for reading without a browser; read-only on the log, safe while a loop runs",
    )
    .addOption(workspaceOption())
    .addOption(new Option('--format <format>', 'file format').choices(['svg', 'png']).default('svg'))
    .option('--run <id>', "only this run's learning curve (with the progress chart)")
    .option('--log-y', 'a log scale on the metric axis')
    .option('--width <px>', 'width in pixels (default 960)', positiveInt('--width'))
    .addOption(jsonOption())
    .action(async (o: { workspace: string; format: 'svg' | 'png'; run?: string; logY?: boolean; width?: number; json?: boolean }) => {
      result.code = await (await import('./plot.js')).plotCommand(o, io);
    });
  program
    .command('verify')
    .description('walk the hash chain and stream versions of the event log, and check it against journal/anchor and --anchor head hashes')
    .option('--verdicts', 'also recompute every verdict from the log (samples, incumbent, seed) and check it is bit for bit the recorded one')
    .option('--anchor <head>', 'a head hash kept elsewhere (HASH, or SEQ:HASH as `autopilot status` prints it): the log must hold it (at SEQ); repeatable', anchorArg, [] as GivenAnchor[])
    .addOption(workspaceOption())
    .addOption(jsonOption())
    .action(async (o: { workspace: string; json?: boolean; verdicts?: boolean; anchor: GivenAnchor[] }) => {
      result.code = (await import('./verify.js')).verifyCommand({ workspace: o.workspace, json: o.json, verdicts: o.verdicts, anchors: o.anchor }, io);
    });
  program
    .command('export')
    .description('write the whole event log as JSON lines, verbatim, one event per line (read-only, safe while a loop runs)')
    .addOption(workspaceOption())
    .requiredOption('--out <file>', 'the JSONL file to write')
    .addOption(jsonOption())
    .action(async (o: { workspace: string; out: string; json?: boolean }) => {
      result.code = (await import('./export.js')).exportCommand(o, io);
    });
  program
    .command('import')
    .description('load an exported log into a workspace whose log is empty, then rebuild its projections')
    .argument('<file>', 'a JSONL file written by autopilot export')
    .addOption(workspaceOption())
    .addOption(jsonOption())
    .action(async (file: string, o: { workspace: string; json?: boolean }) => {
      result.code = (await import('./import.js')).importCommand(file, o, io);
    });
  program
    .command('validate')
    .description('check a proposal file against the policy and the base config, as the loop does; print the merged config and its diff, or every error')
    .argument('<file>', 'a proposal file: {"overrides": {...}, "rationale": "...", "hypothesis": "..."}')
    .option('--base <run>', "validate against this run's accepted config (default: the incumbent's, or the baseline)")
    .addOption(new Option('--mode <mode>', 'baseline of the default base (default: autopilot.json "mode")').choices(MODES))
    .addOption(workspaceOption())
    .addOption(jsonOption())
    .action(async (file: string, o: { workspace: string; base?: string; mode?: Mode; json?: boolean }) => {
      result.code = (await import('./validate.js')).validateCommand(file, o, io);
    });
  program
    .command('render-args')
    .description('print the trainer flags for a run config (what is appended to trainer.command), to check them by hand')
    .argument('<config>', 'path of a config.json')
    .option('--null', 'separate arguments with NUL bytes (for mapfile -d "")')
    .option('--flag-names <style>', 'kebab (--train.learning-rate, the default) or as-is (--train.learning_rate), as trainer.flag_names')
    .action(async (config: string, o: { null?: boolean; flagNames?: string }) => {
      result.code = (await import('./render-args.js')).renderArgsCommand(config, o, io);
    });
  program
    .command('reset')
    .description('move the history (events.db, journal, runs, proposals, models, logs) to archive/<UTC time>/ and start over; the inputs stay')
    .addOption(workspaceOption())
    .option('--yes', 'do it (without, it lists what it would move)')
    .addOption(jsonOption())
    .action(async (o: { workspace: string; yes?: boolean; json?: boolean }) => {
      result.code = (await import('./reset.js')).resetCommand(o, io);
    });
  registerInitCommand(program, result, io);
  registerPolicyCommand(program, result, io);
  registerMcpCommand(program, result, io);
  registerInspectCommand(program, result, io);
  registerEvalCommand(program, result, io);
  return program;
}

/** Runs the CLI with `argv` (as in process.argv), printing to `io`, and returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  // Zod compiles a parser per schema on its first use; a command parses each schema a few times, so the
  // compiling cost more than it saved (about 9% of a short loop's CPU). Parsing is the same either way.
  zodConfig({ jitless: true });
  const result = { code: EXIT.ok as number };
  return runCli(buildProgram(result, io), argv, result, io.err);
}
