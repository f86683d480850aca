/**
 * PufferLib's config files (`pufferlib/config/default.ini`, `config/ocean/<env>.ini`):
 * parsing their ini dialect and turning their `[sweep.<section>.<key>]` sections
 * into policy `keys` entries. Pure: text in, data out.
 *
 * The dialect, as PufferLib reads it (configparser, then `ast.literal_eval` per value):
 * `[section]` headers; `key = value` (or `key: value`; keys lower-cased); full-line
 * comments starting with `#` or `;`; inline comments after `#` (or a `;` preceded by
 * whitespace) outside quotes; indented lines continuing the previous value. Values in
 * Python literal syntax: integers and floats with `_` between digits (`10_000_000`,
 * `1e-4`), `True`/`False` (also `true`/`false`), `None`, quoted strings; anything else
 * (`auto`, `cuda`, `Multiprocessing`) is a bare string, as in PufferLib.
 */
import { assertNever } from '../../domain/assert-never.js';
import { formatNumber } from '../../domain/text/format.js';
import { isSafeDottedKey } from '../../domain/config/path.js';
import { parsePolicy, powersOfTwoIn, type KeySpec, type Policy } from '../../domain/policy/policy.js';
import { AutopilotError } from '../../domain/errors.js';

/** One value in PufferLib's literal syntax; `int` and `float` keep Python's distinction (`1` vs `1.0` or `1e8`). */
export type IniValue =
  { kind: 'int'; value: number } | { kind: 'float'; value: number } | { kind: 'bool'; value: boolean } | { kind: 'none' } | { kind: 'string'; value: string; quoted: boolean };

/** `key = value` inside a section; `line` is where the key is written (1-based). */
export interface IniEntry {
  key: string;
  value: IniValue;
  line: number;
}

/** A `[name]` section with its entries in file order. */
export interface IniSection {
  name: string;
  line: number;
  entries: IniEntry[];
}

/** A parsed ini file: its sections in file order. */
export interface PufferIni {
  sections: IniSection[];
}

/** A problem in an ini file; `line` is 1-based, or null when the problem is the file as a whole. */
export class PufferIniError extends AutopilotError {
  override readonly name = 'PufferIniError';
  constructor(
    readonly line: number | null,
    readonly problem: string,
  ) {
    super('puffer-ini', line === null ? problem : `line ${line}: ${problem}`);
  }
}

/** Result of {@link importPufferSweep}: a policy that passed `parsePolicy`, and what the conversion did or skipped. */
export interface PufferImport {
  policy: Policy;
  notes: string[];
}

/** Options of {@link importPufferSweep}. */
export interface PufferImportOptions {
  /** The env to import for: must be one of the file's `[base] env_name` names (when it names any). */
  env?: string;
}

/** PufferLib's sweep distributions (the policy uses the same names). */
export const PUFFER_DISTRIBUTIONS = ['uniform', 'int_uniform', 'uniform_pow2', 'log_normal', 'logit_normal'] as const;
type PufferDistribution = (typeof PUFFER_DISTRIBUTIONS)[number];

const SWEEP_FIELDS = ['distribution', 'min', 'max', 'mean', 'scale'];
/** `scale` values that ask PufferLib to choose the scale itself. */
const SYMBOLIC_SCALES = ['auto', 'time'];

const DIGITS = String.raw`\d+(?:_\d+)*`;
const INT_RE = new RegExp(String.raw`^[+-]?${DIGITS}$`);
const FLOAT_RE = new RegExp(String.raw`^[+-]?(?:${DIGITS}\.(?:${DIGITS})?|\.${DIGITS}|${DIGITS})(?:[eE][+-]?${DIGITS})?$`);
/** Text made only of number characters: if it is not a valid number, it is a typo, not a string. */
const NUMBER_LIKE_RE = /^[+-]?\.?\d[\d_.eE+-]*$/;

/**
 * Parses the value part of a `key = value` line (comments already removed).
 * Throws {@link PufferIniError} on `line` for malformed numbers (`1__000`, `10_`)
 * and unterminated or trailing-garbage quoted strings.
 */
export function parseIniValue(text: string, line: number): IniValue {
  const raw = text.trim();
  if (raw === 'True' || raw === 'true') return { kind: 'bool', value: true };
  if (raw === 'False' || raw === 'false') return { kind: 'bool', value: false };
  if (raw === 'None') return { kind: 'none' };
  if (INT_RE.test(raw)) return { kind: 'int', value: Number(raw.replace(/_/g, '')) };
  if (FLOAT_RE.test(raw)) return { kind: 'float', value: Number(raw.replace(/_/g, '')) };
  if (NUMBER_LIKE_RE.test(raw)) {
    throw new PufferIniError(line, `"${raw}" is not a valid number (underscores go between digits, as in 10_000_000 or 1e-4)`);
  }
  if (raw.startsWith('"') || raw.startsWith("'")) return { kind: 'string', value: parseQuoted(raw, line), quoted: true };
  return { kind: 'string', value: raw, quoted: false };
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

function parseQuoted(raw: string, line: number): string {
  const quote = raw[0] as string;
  let out = '';
  for (let i = 1; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c === '\\' && i + 1 < raw.length) {
      const next = raw[i + 1] as string;
      out += ESCAPES[next] ?? `\\${next}`;
      i++;
    } else if (c === quote) {
      if (raw.slice(i + 1).trim() !== '') throw new PufferIniError(line, `unexpected text after the closing ${quote} of a string: ${raw.slice(i + 1).trim()}`);
      return out;
    } else out += c;
  }
  throw new PufferIniError(line, `unterminated string: no closing ${quote}`);
}

/** The value text of a line without its inline comment (`#` anywhere, `;` after whitespace, outside quotes). */
function stripInlineComment(text: string): string {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote !== null) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' || (c === ';' && i > 0 && /\s/.test(text[i - 1] as string))) return text.slice(0, i);
  }
  return text;
}

const SECTION_RE = /^\[([^\]]*)\]\s*(?:[#;].*)?$/;

/**
 * Parses PufferLib ini text into sections and literal values. Throws
 * {@link PufferIniError} naming the line for: a line that is neither a
 * `[section]`, a `key = value` nor a comment; a key before any section; a
 * duplicate section or key; an empty key or section name; a malformed value.
 */
export function parsePufferIni(text: string): PufferIni {
  const sections: IniSection[] = [];
  const sectionLines = new Map<string, number>();
  const pending: PendingEntry[] = [];
  let current: IniSection | null = null;
  /** The entry an indented line continues (none after a blank line or a header). */
  let open: PendingEntry | null = null;
  const lines = text.split(/\r\n|\n|\r/);
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    const lineText = lines[index] as string;
    const trimmed = lineText.trim();
    if (trimmed === '') {
      open = null;
      continue;
    }
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    if (open !== null && /^\s/.test(lineText)) {
      open.parts.push(stripInlineComment(trimmed));
      continue;
    }
    if (trimmed.startsWith('[')) {
      current = parseHeader(trimmed, line, sectionLines);
      sections.push(current);
      open = null;
      continue;
    }
    open = parseEntryLine(trimmed, line, current, pending);
    pending.push(open);
  }
  for (const p of pending) p.section.entries.push({ key: p.key, line: p.line, value: parseIniValue(p.parts.join('\n'), p.line) });
  return { sections };
}

/** A `key = value` line whose value is parsed once its continuation lines are known. */
type PendingEntry = { section: IniSection; key: string; line: number; parts: string[] };

function parseHeader(trimmed: string, line: number, sectionLines: Map<string, number>): IniSection {
  const match = SECTION_RE.exec(trimmed);
  const name = match?.[1]?.trim();
  if (match === null || name === undefined) throw new PufferIniError(line, `malformed section header ${trimmed}: expected [name]`);
  if (name === '') throw new PufferIniError(line, 'empty section name []');
  const previous = sectionLines.get(name);
  if (previous !== undefined) throw new PufferIniError(line, `section [${name}] is already defined on line ${previous}`);
  sectionLines.set(name, line);
  return { name, line, entries: [] };
}

function parseEntryLine(trimmed: string, line: number, section: IniSection | null, pending: readonly PendingEntry[]): PendingEntry {
  const at = trimmed.search(/[=:]/);
  if (at < 0) throw new PufferIniError(line, `expected "key = value", a [section] header or a comment, got: ${trimmed}`);
  const key = trimmed.slice(0, at).trim().toLowerCase();
  if (key === '') throw new PufferIniError(line, `missing key before "${trimmed[at]}"`);
  if (section === null) throw new PufferIniError(line, `key "${key}" is outside any section; add a [section] header above it`);
  const duplicate = pending.find((p) => p.section === section && p.key === key);
  if (duplicate !== undefined) throw new PufferIniError(line, `key "${key}" is already set in [${section.name}] on line ${duplicate.line}`);
  return { section, key, line, parts: [stripInlineComment(trimmed.slice(at + 1))] };
}

/** The section called `name`, if any. */
export function findSection(ini: PufferIni, name: string): IniSection | undefined {
  return ini.sections.find((s) => s.name === name);
}

/** The entry `key` of section `name`, if any. */
export function findEntry(ini: PufferIni, name: string, key: string): IniEntry | undefined {
  return findSection(ini, name)?.entries.find((e) => e.key === key);
}

/**
 * Converts the `[sweep.<section>.<key>]` sections of a PufferLib ini file (also
 * the older `[sweep.parameters.<section>.parameters.<key>]` form) into policy
 * `keys` entries, and checks the result with `parsePolicy`.
 *
 * - `distribution` keeps its name; the type is `integer` for `int_uniform` and
 *   `uniform_pow2`, `number` for `logit_normal`, and for `uniform` / `log_normal`
 *   follows the base value of the key (`[train] update_epochs = 1` is an integer:
 *   `uniform` becomes `int_uniform`), or, without one, whether min and max are
 *   written as integers.
 * - `min`, `max`, `mean` and a numeric `scale` are carried; `scale = auto` (or
 *   `time`) is omitted; a mean outside [min, max] is clamped; fractional bounds
 *   of an integer key are rounded inwards. Each such change is a note.
 * - `env`: when the file's `[base] env_name` lists env names, `env` must be one
 *   of them (a file listing several is imported for the chosen one).
 *
 * Throws {@link PufferIniError} (naming the line) for invalid ini text, a sweep
 * section without a usable distribution, min or max, or a range its
 * distribution cannot sample (log_normal with min <= 0, …), an `env` the file
 * does not configure, and a file without sweep sections.
 */
export function importPufferSweep(text: string, options: PufferImportOptions = {}): PufferImport {
  return importPufferSweepIni(parsePufferIni(text), options);
}

/** {@link importPufferSweep} of an already parsed ini (such as `default.ini` and an env's file merged as PufferLib merges them). */
export function importPufferSweepIni(ini: PufferIni, options: PufferImportOptions = {}): PufferImport {
  const notes: string[] = [];
  const env = selectEnv(ini, options.env, notes);
  const keys: Record<string, KeySpec> = {};
  for (const section of ini.sections) {
    if (!section.name.startsWith('sweep.')) continue;
    const { key, spec } = convertSweep(ini, section, notes);
    if (Object.hasOwn(keys, key)) throw new PufferIniError(section.line, `[${section.name}] sweeps ${key} a second time`);
    keys[key] = spec;
  }
  if (Object.keys(keys).length === 0) throw new PufferIniError(null, `no [sweep.<section>.<key>] sections${env ? ` for ${env}` : ''}: nothing to whitelist`);
  describeSweepSettings(ini, notes);
  notes.push('PufferLib configs declare no derived rules: add "rules" (multiple_of, product, equal, lte, gte) and "allowed_paths" by hand');
  return { policy: parsePolicy({ version: 1, keys }), notes };
}

/** Checks `--env` against `[base] env_name`; returns the env imported for, if known. */
export function selectEnv(ini: PufferIni, env: string | undefined, notes: string[]): string | undefined {
  const entry = findEntry(ini, 'base', 'env_name');
  const names = entry?.value.kind === 'string' ? entry.value.value.split(/\s+/).filter((n) => n !== '') : [];
  if (env === undefined) {
    if (names.length === 1) notes.push(`env ${names[0]} (from [base] env_name)`);
    if (names.length > 1) {
      notes.push(`the file configures ${names.length} envs (${preview(names)}); its sweep applies to each — pass --env NAME to import for one`);
    }
    return names.length === 1 ? names[0] : undefined;
  }
  if (names.length === 0) {
    notes.push(`the file names no env ([base] env_name is ${entry ? 'None' : 'missing'}): its sweep is imported for ${env} as is`);
    return env;
  }
  if (!names.includes(env) && entry !== undefined) {
    throw new PufferIniError(entry.line, `--env ${env} is not configured by this file; [base] env_name lists ${preview(names)}`);
  }
  notes.push(names.length === 1 ? `env ${env} (from [base] env_name)` : `env ${env} (one of ${names.length} in [base] env_name)`);
  return env;
}

function preview(names: readonly string[]): string {
  return names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')}, … ${names.length - 5} more`;
}

/** Notes the `[sweep]` settings (method, metric, goal) a user should mirror in autopilot.json. */
function describeSweepSettings(ini: PufferIni, notes: string[]): void {
  const sweep = findSection(ini, 'sweep');
  if (sweep === undefined) return;
  const text = (key: string) => {
    const v = sweep.entries.find((e) => e.key === key)?.value;
    return v?.kind === 'string' ? v.value : undefined;
  };
  const [method, metric, goal] = [text('method'), text('metric'), text('goal')];
  if (metric !== undefined) {
    notes.push(`PufferLib sweeps for metric ${metric}${goal ? ` (${goal})` : ''}${method ? ` with ${method}` : ''}: set the metric and its direction in autopilot.json to match`);
  }
}

/** The policy key a sweep section tunes: `sweep.train.lr` and `sweep.parameters.train.parameters.lr` → `train.lr`. */
function sweepKey(section: IniSection): string {
  const key = section.name
    .split('.')
    .slice(1)
    .filter((segment) => segment !== 'parameters')
    .join('.');
  if (!isSafeDottedKey(key)) {
    throw new PufferIniError(section.line, `[${section.name}] does not name a config key: expected [sweep.<section>.<key>] with segments matching [A-Za-z_][A-Za-z0-9_]*`);
  }
  return key;
}

type NumberField = { value: number; written: 'int' | 'float'; line: number };

/** One `[sweep.…]` section as a policy key spec. */
function convertSweep(ini: PufferIni, section: IniSection, notes: string[]): { key: string; spec: KeySpec } {
  const key = sweepKey(section);
  const where = `[${section.name}]`;
  const entry = (name: string) => section.entries.find((e) => e.key === name);
  for (const e of section.entries) if (!SWEEP_FIELDS.includes(e.key)) notes.push(`${key}: ignored ${e.key} (line ${e.line}); only ${SWEEP_FIELDS.join(', ')} are imported`);

  const distribution = readDistribution(entry('distribution'), where, section.line);
  let min = readNumber(entry('min'), 'min', where, section.line);
  let max = readNumber(entry('max'), 'max', where, section.line);
  const meanEntry = entry('mean');
  let mean = meanEntry === undefined ? undefined : readNumber(meanEntry, 'mean', where, section.line).value;
  const scale = readScale(entry('scale'), key, where, notes);
  if (min.value > max.value) throw new PufferIniError(min.line, `${where}: min (${formatNumber(min.value)}) is greater than max (${formatNumber(max.value)})`);

  const base = baseValue(ini, key);
  const integer = isIntegerKey(distribution, base, min, max);
  if (integer) {
    const lo = Math.ceil(min.value);
    const hi = Math.floor(max.value);
    if (lo !== min.value || hi !== max.value) {
      if (lo > hi) throw new PufferIniError(min.line, `${where}: the integer key ${key} has no integer in [${formatNumber(min.value)}, ${formatNumber(max.value)}]`);
      notes.push(`${key}: integer range [${formatNumber(min.value)}, ${formatNumber(max.value)}] rounded inwards to [${lo}, ${hi}]`);
      min = { ...min, value: lo };
      max = { ...max, value: hi };
    }
  }
  if (integer && distribution === 'uniform_pow2') {
    // The policy wants powers of two as bounds; rounding inwards keeps the same powers to sample.
    const powers = powersOfTwoIn(min.value, max.value);
    if (powers.length === 0) throw new PufferIniError(min.line, `${where}: uniform_pow2 needs a power of two in [${formatNumber(min.value)}, ${formatNumber(max.value)}]`);
    const lo = powers[0]!;
    const hi = powers[powers.length - 1]!;
    if (lo !== min.value || hi !== max.value) {
      notes.push(`${key}: uniform_pow2 range [${formatNumber(min.value)}, ${formatNumber(max.value)}] rounded inwards to the powers of two [${lo}, ${hi}]`);
      min = { ...min, value: lo };
      max = { ...max, value: hi };
    }
  }
  if (mean !== undefined && (mean < min.value || mean > max.value)) {
    const clamped = Math.min(max.value, Math.max(min.value, mean));
    notes.push(`${key}: mean ${formatNumber(mean)} lies outside [${formatNumber(min.value)}, ${formatNumber(max.value)}]; clamped to ${formatNumber(clamped)}`);
    mean = clamped;
  }

  const baseNumber = base?.value.kind === 'int' || base?.value.kind === 'float' ? base.value.value : undefined;
  if (baseNumber !== undefined && (baseNumber < min.value || baseNumber > max.value)) {
    notes.push(`${key}: the base value ${formatNumber(baseNumber)} (line ${base?.line}) lies outside the sweep range [${formatNumber(min.value)}, ${formatNumber(max.value)}]`);
  }
  const description = `PufferLib ${where}${base ? `; base value ${describeValue(base.value)}` : ''}`;
  const extras = { ...(mean === undefined ? {} : { mean }), ...(scale === undefined ? {} : { scale }), description };
  const spec: KeySpec = integer
    ? { type: 'integer', min: min.value, max: max.value, distribution: integerDistribution(distribution), ...extras }
    : { type: 'number', min: min.value, max: max.value, distribution: numberDistribution(distribution), ...extras };
  checkSamplable(spec, min.line, where);
  if (distribution === 'uniform' && integer) notes.push(`${key}: uniform on an integer key imported as int_uniform`);
  return { key, spec };
}

function readDistribution(entry: IniEntry | undefined, where: string, sectionLine: number): PufferDistribution {
  if (entry === undefined) throw new PufferIniError(sectionLine, `${where}: missing distribution (one of ${PUFFER_DISTRIBUTIONS.join(', ')})`);
  const value = entry.value.kind === 'string' ? entry.value.value : undefined;
  const found = PUFFER_DISTRIBUTIONS.find((d) => d === value);
  if (found === undefined) {
    throw new PufferIniError(entry.line, `${where}: unknown distribution ${describeValue(entry.value)}; allowed are ${PUFFER_DISTRIBUTIONS.join(', ')}`);
  }
  return found;
}

function readNumber(entry: IniEntry | undefined, field: string, where: string, sectionLine: number): NumberField {
  if (entry === undefined) throw new PufferIniError(sectionLine, `${where}: missing ${field}`);
  const v = entry.value;
  if ((v.kind !== 'int' && v.kind !== 'float') || !Number.isFinite(v.value)) {
    throw new PufferIniError(entry.line, `${where}: ${field} must be a finite number, got ${describeValue(v)}`);
  }
  return { value: v.value, written: v.kind, line: entry.line };
}

function readScale(entry: IniEntry | undefined, key: string, where: string, notes: string[]): number | undefined {
  if (entry === undefined) return undefined;
  const v = entry.value;
  if (v.kind === 'string' && !v.quoted && SYMBOLIC_SCALES.includes(v.value)) {
    notes.push(`${key}: scale = ${v.value} omitted (a PufferLib sweep setting, not a number; the policy leaves scale unset)`);
    return undefined;
  }
  if ((v.kind === 'int' || v.kind === 'float') && Number.isFinite(v.value) && v.value > 0) return v.value;
  throw new PufferIniError(entry.line, `${where}: scale must be a number > 0, auto or time, got ${describeValue(v)}`);
}

/** The key's value in its own section (`train.lr` → `[train] lr`), if the file sets it. */
function baseValue(ini: PufferIni, key: string): IniEntry | undefined {
  const at = key.lastIndexOf('.');
  return at < 0 ? undefined : findEntry(ini, key.slice(0, at), key.slice(at + 1));
}

function isIntegerKey(distribution: PufferDistribution, base: IniEntry | undefined, min: NumberField, max: NumberField): boolean {
  switch (distribution) {
    case 'int_uniform':
    case 'uniform_pow2':
      return true;
    case 'logit_normal':
      return false;
    case 'uniform':
    case 'log_normal': {
      const kind = base?.value.kind;
      if (kind === 'int') return true;
      if (kind === 'float') return false;
      return min.written === 'int' && max.written === 'int';
    }
    default:
      return assertNever(distribution, 'distribution');
  }
}

function integerDistribution(distribution: PufferDistribution): 'int_uniform' | 'uniform_pow2' | 'log_normal' {
  if (distribution === 'uniform_pow2' || distribution === 'log_normal') return distribution;
  return 'int_uniform';
}

function numberDistribution(distribution: PufferDistribution): 'uniform' | 'log_normal' | 'logit_normal' {
  if (distribution === 'log_normal' || distribution === 'logit_normal') return distribution;
  return 'uniform';
}

/** Ranges a distribution cannot sample are errors of the ini, reported on the line of min. */
function checkSamplable(spec: KeySpec, line: number, where: string): void {
  if (spec.type !== 'number' && spec.type !== 'integer') return;
  const range = `[${formatNumber(spec.min)}, ${formatNumber(spec.max)}]`;
  const fail = (problem: string) => {
    throw new PufferIniError(line, `${where}: ${problem}`);
  };
  if (spec.distribution === 'log_normal' && spec.type === 'integer' && spec.min < 1) fail(`log_normal on an integer key needs min >= 1, range is ${range}`);
  if (spec.distribution === 'log_normal' && !(spec.min > 0)) fail(`log_normal needs min > 0, range is ${range}`);
  if (spec.distribution === 'logit_normal' && !(spec.min >= 0 && spec.max < 1)) fail(`logit_normal needs 0 <= min and max < 1, range is ${range}`);
  if (spec.distribution === 'uniform_pow2' && powersOfTwoIn(spec.min, spec.max).length === 0) fail(`uniform_pow2 needs a power of two in ${range}`);
}

function describeValue(value: IniValue): string {
  switch (value.kind) {
    case 'int':
    case 'float':
      return formatNumber(value.value);
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'string':
      return value.quoted ? JSON.stringify(value.value) : value.value;
    default:
      return assertNever(value, 'ini value');
  }
}
