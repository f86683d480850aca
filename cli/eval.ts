/**
 * `autopilot eval RUN|RUN@N|best|latest [--vs OTHER] [--episodes N]`: evaluates checkpoints on
 * held-out seeds and, given two, compares them seed by seed (cli/eval-run.ts does the work).
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { CliIo } from './io.js';

function episodesArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 2 || n > 100_000) throw new InvalidArgumentError(`--episodes must be an integer from 2 to 100000, got "${value}"`);
  return n;
}

/** Adds `eval` to `program`; its action stores the exit code in `result.code`. */
export function registerEvalCommand(program: Command, result: { code: number }, io: CliIo): void {
  program
    .command('eval')
    .description(
      "evaluate a run's checkpoint on held-out seeds (a range no training run used), and with --vs compare two on the same seeds by a paired bootstrap; recorded (EvaluationPlanned/Finished/Failed), shown in journal/evaluations.md and runs/<id>/eval/; refused while a loop runs",
    )
    .argument('<target>', 'what to evaluate: a run id (its last checkpoint), RUN@N (its checkpoint numbered N, e.g. 003@8 for model_000008), best (the incumbent) or latest')
    .option('--vs <other>', 'compare with this checkpoint (same forms), on the same seeds')
    .addOption(new Option('--episodes <n>', 'held-out seeds, one episode each (default: autopilot.json evaluation.episodes, else 100)').argParser(episodesArg))
    .addOption(new Option('--workspace <dir>', 'workspace directory').default('autopilot'))
    .addOption(new Option('--json', 'machine-readable output: one JSON object per line'))
    .action(async (target: string, o: { vs?: string; episodes?: number; workspace: string; json?: boolean }) => {
      result.code = await (await import('./eval-run.js')).evalCommand({ ...o, target }, io);
    });
}
