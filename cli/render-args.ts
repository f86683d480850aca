/** `autopilot render-args CONFIG`: the trainer flags of a run config, one per line or NUL-separated. */
import { readFileSync } from 'node:fs';
import type { Config } from '../domain/config.js';
import { renderArgs } from '../domain/render-args.js';

/** Runs `render-args`; returns the exit code. */
export function renderArgsCommand(path: string, o: { null?: boolean }): number {
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    process.stderr.write(`autopilot: cannot read config ${path}: ${(e as Error).message}\n`);
    return 2;
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    process.stderr.write(`autopilot: ${path} must hold a JSON object of config sections\n`);
    return 2;
  }
  const args = renderArgs(config as Config);
  if (args.some((a) => a.includes('\0'))) {
    process.stderr.write(`autopilot: ${path} has a value with a NUL byte, which no argv can carry\n`);
    return 2;
  }
  process.stdout.write(o.null ? args.map((a) => `${a}\0`).join('') : args.map((a) => `${a}\n`).join(''));
  return 0;
}
