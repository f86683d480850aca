/**
 * What `autopilot init --from-puffer` takes from PufferLib's config files besides the sweep: the
 * base config (every `[section] key = value` a trainer gets as `--section.key VALUE`), the merge of
 * `default.ini` under an env's file as PufferLib does it, and the `[sweep]` metric and goal. Pure.
 */
import type { Config, Scalar } from '../../domain/config/config.js';
import { assertNever } from '../../domain/assert-never.js';
import { findSection, type IniSection, type IniValue, type PufferIni } from './ini.js';
import { isSafeSegment } from '../../domain/config/path.js';

/** Sections that are not trainer config: `[base]` (package, env and policy names) and the sweep. */
function isConfigSection(name: string): boolean {
  return name !== 'base' && name !== 'sweep' && !name.startsWith('sweep.');
}

/**
 * `over` laid on `under` as configparser reads `[default.ini, env.ini]`: sections by name, each key
 * of `over` replacing the same key of `under`, new sections and keys appended in file order.
 */
export function mergePufferInis(under: PufferIni, over: PufferIni): PufferIni {
  const sections: IniSection[] = under.sections.map((s) => ({ ...s, entries: [...s.entries] }));
  for (const section of over.sections) {
    const mine = sections.find((s) => s.name === section.name);
    if (mine === undefined) {
      sections.push({ ...section, entries: [...section.entries] });
      continue;
    }
    for (const entry of section.entries) {
      const at = mine.entries.findIndex((e) => e.key === entry.key);
      if (at >= 0) mine.entries[at] = entry;
      else mine.entries.push(entry);
    }
  }
  return { sections };
}

/**
 * The trainer config of a (merged) ini: every config section's keys with their literal values.
 * `None` values and keys that are no config key are left out, each with a note.
 */
export function pufferBaseline(ini: PufferIni): { config: Config; notes: string[] } {
  const config: Config = {};
  const notes: string[] = [];
  for (const section of ini.sections) {
    if (!isConfigSection(section.name) || section.entries.length === 0) continue;
    if (!isSafeSegment(section.name)) {
      notes.push(`[${section.name}] left out of the baselines: a config section name matches [A-Za-z_][A-Za-z0-9_]*`);
      continue;
    }
    const values: Config = {};
    for (const entry of section.entries) {
      const value = scalar(entry.value);
      if (!isSafeSegment(entry.key)) notes.push(`${section.name}.${entry.key} left out of the baselines: not a config key ([A-Za-z_][A-Za-z0-9_]*)`);
      else if (value === undefined) notes.push(`${section.name}.${entry.key} = None left out of the baselines (a config value is a number, a string or a boolean)`);
      else values[entry.key] = value;
    }
    if (Object.keys(values).length > 0) config[section.name] = values;
  }
  return { config, notes };
}

function scalar(value: IniValue): Scalar | undefined {
  switch (value.kind) {
    case 'int':
    case 'float':
    case 'bool':
    case 'string':
      return value.value;
    case 'none':
      return undefined;
    default:
      return assertNever(value, 'ini value');
  }
}

/** The metric and direction of the `[sweep]` section (`metric = score`, `goal = maximize`), where it states both. */
export function pufferSweepMetric(ini: PufferIni): { name?: string; direction?: 'maximize' | 'minimize' } {
  const entries = findSection(ini, 'sweep')?.entries ?? [];
  const text = (key: string) => {
    const v = entries.find((e) => e.key === key)?.value;
    return v?.kind === 'string' && v.value.trim() !== '' ? v.value.trim() : undefined;
  };
  const goal = text('goal');
  const name = text('metric');
  return { ...(name !== undefined ? { name } : {}), ...(goal === 'maximize' || goal === 'minimize' ? { direction: goal } : {}) };
}
