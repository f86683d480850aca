/** `autopilot render-args CONFIG`: the trainer flags of a run config, one per line or NUL-separated. */
import { readFileSync } from 'node:fs';
import type { Config } from '../domain/config.js';
import { renderArgs } from '../domain/render-args.js';
import { printError, printLine } from '../orchestrator/console.js';

/** Runs `render-args`; returns the exit code. */
export function renderArgsCommand(path: string, o: { null?: boolean }): number {
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    printError(`autopilot: cannot read config ${path}: ${(e as Error).message}`);
    return 2;
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    printError(`autopilot: ${path} must hold a JSON object of config sections`);
    return 2;
  }
  const args = renderArgs(config as Config);
  if (args.some((a) => a.includes('\0'))) {
    printError(`autopilot: ${path} has a value with a NUL byte, which no argv can carry`);
    return 2;
  }
  // --null is data for run_training.sh's mapfile: verbatim. One per line is for reading: escaped.
  if (o.null) process.stdout.write(args.map((a) => `${a}\0`).join(''));
  else for (const a of args) printLine(a);
  return 0;
}
