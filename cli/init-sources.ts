/**
 * What `autopilot init` reads besides its flags: a baseline given with `--config` / `--full-config`,
 * and PufferLib's config files (`--from-puffer`): base config, sweep, metric. Every problem is an
 * {@link initInputError} naming the flag and the file.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Config } from '../domain/config/config.js';
import { ConfigError, parseConfig } from '../domain/config/parse-config.js';
import { mergePufferInis, pufferBaseline, pufferSweepMetric } from '../integrations/pufferlib/baseline.js';
import { importPufferSweepIni, parsePufferIni, PufferIniError, selectEnv, type PufferIni } from '../integrations/pufferlib/ini.js';
import { parsePolicy, PolicyError, type KeySpec, type Policy } from '../domain/policy/policy.js';
import { jsonSyntaxError } from '../domain/text/strict-json.js';
import { AutopilotError } from '../domain/errors.js';

/** Bad input to `autopilot init`: reported as `autopilot init: message`, exit 2. */
export function initInputError(message: string): AutopilotError {
  return new AutopilotError('init-input', message, { scope: 'init' });
}

function readText(flag: string, file: string): string {
  try {
    if (!statSync(file).isFile()) throw new Error('not a regular file');
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw initInputError(`${flag} ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give an existing file`);
  }
}

/** The baseline config in the JSON file `file` given with `flag`. */
export function readConfigFile(flag: string, file: string): Config {
  const text = readText(flag, file);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw initInputError(`${flag} ${file} is not valid JSON: ${jsonSyntaxError(text) ?? (e as Error).message}`);
  }
  try {
    return parseConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) throw initInputError(`${flag} ${file} is not a config of nested sections:\n${e.issues.map((i) => `  - ${i}`).join('\n')}`);
    throw e;
  }
}

/** What a PufferLib config gives a workspace. */
export interface PufferSource {
  baseline: Config;
  /** From the `[sweep.*]` sections; undefined when the files sweep nothing. */
  policy: Policy | undefined;
  metric: { name?: string; direction?: 'maximize' | 'minimize' };
  /** The `default.ini` merged under the file, if any. */
  defaults: string | undefined;
  notes: string[];
}

/**
 * Reads PufferLib's `file` (an env's `.ini`) and, with `useDefaults`, the `default.ini` next to it
 * or one folder up (`pufferlib/config/default.ini` for `config/ocean/<env>.ini`), merged under it
 * as PufferLib merges them.
 */
export function readPuffer(file: string, env: string | undefined, useDefaults: boolean): PufferSource {
  const own = loadIni('--from-puffer', file);
  const notes: string[] = [];
  selectEnvOrFail(file, own.ini, env, notes);
  const defaultsFile = useDefaults ? findDefaults(file) : undefined;
  const defaults = defaultsFile === undefined ? undefined : loadIni('--from-puffer (its default.ini)', defaultsFile);
  const merged = defaults === undefined ? own.ini : mergePufferInis(defaults.ini, own.ini);
  const { config, notes: baselineNotes } = pufferBaseline(merged);
  notes.push(...baselineNotes);
  // Swept over the merged files, as PufferLib sweeps: a key swept in default.ini takes the env file's base value.
  const keys: Record<string, KeySpec> =
    defaults === undefined ? sweepKeys(file, basename(file), own.ini, env, notes) : sweepKeys(`${file} (over ${defaults.file})`, `${basename(file)} over default.ini`, merged, env, notes);
  let policy: Policy | undefined;
  if (Object.keys(keys).length > 0) {
    try {
      policy = parsePolicy({ version: 1, keys, allowed_paths: ['proposals/next_config.json'] });
    } catch (e) {
      if (e instanceof PolicyError) throw initInputError(`--from-puffer ${file}: the sweep does not make a valid policy:\n${e.issues.map((i) => `  - ${i}`).join('\n')}`);
      throw e;
    }
  }
  return { baseline: config, policy, metric: pufferSweepMetric(merged), defaults: defaultsFile, notes };
}

type LoadedIni = { file: string; text: string; ini: PufferIni };

function loadIni(flag: string, file: string): LoadedIni {
  const text = readText(flag, file);
  return { file, text, ini: parseIni(file, text) };
}

function parseIni(file: string, text: string): PufferIni {
  try {
    return parsePufferIni(text);
  } catch (e) {
    if (e instanceof PufferIniError) throw initInputError(`--from-puffer ${file}${e.line === null ? '' : `:${e.line}`}: ${e.problem}`);
    throw e;
  }
}

function selectEnvOrFail(file: string, ini: PufferIni, env: string | undefined, notes: string[]): void {
  try {
    selectEnv(ini, env, notes);
  } catch (e) {
    if (e instanceof PufferIniError) throw initInputError(`--env ${env ?? ''}: ${file}${e.line === null ? '' : `:${e.line}`}: ${e.problem}`);
    throw e;
  }
}

/** The policy keys of `ini`'s `[sweep.*]` sections (none when it has none). */
function sweepKeys(file: string, label: string, ini: PufferIni, env: string | undefined, notes: string[]): Record<string, KeySpec> {
  if (!ini.sections.some((s) => s.name.startsWith('sweep.'))) return {};
  try {
    const imported = importPufferSweepIni(ini, env === undefined ? {} : { env });
    // The env is noted by selectEnvOrFail already, and init sets the metric itself.
    notes.push(...imported.notes.filter((n) => !n.startsWith('env ') && !n.startsWith('PufferLib sweeps for metric')).map((n) => `${label}: ${n}`));
    return imported.policy.keys;
  } catch (e) {
    if (e instanceof PufferIniError) throw initInputError(`--from-puffer ${file}${e.line === null ? '' : `:${e.line}`}: ${e.problem}`);
    if (e instanceof PolicyError) throw initInputError(`--from-puffer ${file}: its sweep does not make a valid policy:\n${e.issues.map((i) => `  - ${i}`).join('\n')}`);
    throw e;
  }
}

/** `default.ini` beside `file` or one folder up, unless it is `file` itself. */
function findDefaults(file: string): string | undefined {
  const self = realpathSync(file);
  for (const dir of [dirname(file), dirname(dirname(file))]) {
    const candidate = join(dir, 'default.ini');
    try {
      if (statSync(candidate).isFile() && realpathSync(candidate) !== self) return candidate;
    } catch {
      // not there: look one folder up
    }
  }
  return undefined;
}
