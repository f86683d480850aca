/** `autopilot render-args CONFIG`: the trainer flags of a run config, one per line or NUL-separated. */
import { readFileSync } from 'node:fs';
import type { Config } from '../domain/config/config.js';
import { renderArgs } from '../domain/trainer-io/render-args.js';
import { printLine } from '../orchestrator/console.js';
import { EXIT, UsageError } from '../domain/errors.js';
import type { CliIo } from './io.js';

/** Runs `render-args`; returns the exit code. */
export function renderArgsCommand(path: string, o: { null?: boolean; flagNames?: string }, io: CliIo): number {
  const names = o.flagNames ?? 'kebab';
  if (names !== 'kebab' && names !== 'as-is') throw new UsageError(`--flag-names ${names}: allowed: kebab (--train.learning-rate) or as-is (--train.learning_rate), as trainer.flag_names`);
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read config ${path}: ${(e as Error).message}`, { file: path });
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new UsageError(`${path} must hold a JSON object of config sections`, { file: path });
  const args = renderArgs(config as Config, names);
  if (args.some((a) => a.includes('\0'))) throw new UsageError(`${path} has a value with a NUL byte, which no argv can carry`, { file: path });
  // --null is data for run_training.sh's mapfile: verbatim. One per line is for reading: escaped.
  if (o.null) io.out.write(args.map((a) => `${a}\0`).join(''));
  else for (const a of args) printLine(a, io.out);
  return EXIT.ok;
}
