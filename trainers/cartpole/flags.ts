/**
 * PufferLib-style command-line flags: `--train.learning-rate 0.003` (value as
 * the next argument) or `--train.learning-rate=0.003`; booleans as
 * `True`/`False`. Dashes and underscores in key names are interchangeable.
 */
import type { ConfigError, KeySpec, TrainerConfig } from './config.js';
import { defaultConfig, describeType, flagName, KEY_SPECS, validateConfig } from './config.js';

/** Result of {@link parseFlags}. */
export type ParseResult = { readonly kind: 'ok'; readonly config: TrainerConfig } | { readonly kind: 'help' } | { readonly kind: 'error'; readonly error: ConfigError };

const SPEC_BY_KEY = new Map<string, KeySpec>(KEY_SPECS.map((s) => [s.key, s]));

/** Map a flag name (without leading dashes) to its config key: `train.learning-rate` -> `train.learning_rate`. */
export function keyOfFlag(name: string): string {
  return name.replace(/-/g, '_');
}

/**
 * Convert one raw string to a typed value for `spec`.
 * @returns the value, or an error message naming what is allowed
 */
export function parseValue(spec: KeySpec, raw: string): { ok: true; value: number | boolean | string } | { ok: false; message: string } {
  const t = spec.type;
  const bad = (): { ok: false; message: string } => ({ ok: false, message: `expected ${describeType(t)}, got ${JSON.stringify(raw)}` });
  switch (t.kind) {
    case 'bool':
      if (raw === 'True' || raw === 'true') return { ok: true, value: true };
      if (raw === 'False' || raw === 'false') return { ok: true, value: false };
      return bad();
    case 'choice':
      return t.choices.includes(raw) ? { ok: true, value: raw } : bad();
    case 'path':
      return raw.length > 0 ? { ok: true, value: raw } : bad();
    case 'int': {
      if (raw.trim() === '') return bad();
      const v = Number(raw);
      if (!Number.isSafeInteger(v) || v < t.min || v > t.max) return bad();
      return { ok: true, value: v };
    }
    case 'float': {
      if (raw.trim() === '') return bad();
      const v = Number(raw);
      if (!Number.isFinite(v)) return bad();
      if (t.min !== undefined && (t.minExclusive ? v <= t.min : v < t.min)) return bad();
      if (t.max !== undefined && (t.maxExclusive ? v >= t.max : v > t.max)) return bad();
      return { ok: true, value: v };
    }
  }
}

function setKey(cfg: TrainerConfig, key: string, value: number | boolean | string): void {
  const dot = key.indexOf('.');
  if (dot < 0) {
    (cfg as unknown as Record<string, unknown>)[key] = value;
  } else {
    const section = (cfg as unknown as Record<string, Record<string, unknown>>)[key.slice(0, dot)]!;
    section[key.slice(dot + 1)] = value;
  }
}

/**
 * Parse trainer flags over the defaults and validate the result.
 * Repeated flags: the last one wins.
 */
export function parseFlags(argv: readonly string[]): ParseResult {
  const cfg = defaultConfig();
  for (let a = 0; a < argv.length; a++) {
    const arg = argv[a]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (!arg.startsWith('--')) {
      return { kind: 'error', error: { flag: arg, message: 'unexpected argument (flags look like --train.learning-rate 0.003)' } };
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const key = keyOfFlag(name);
    const spec = SPEC_BY_KEY.get(key);
    if (!spec) {
      return { kind: 'error', error: { flag: `--${name}`, message: `unknown flag; accepted flags: ${KEY_SPECS.map((s) => flagName(s.key)).join(' ')}` } };
    }
    let raw: string;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else if (spec.type.kind === 'bool' && !key.includes('.') && (argv[a + 1] === undefined || argv[a + 1]!.startsWith('--'))) {
      // A top-level boolean may be bare (`--eval-only`), as autopilot renders one that is true.
      raw = 'True';
    } else {
      const next = argv[a + 1];
      if (next === undefined) return { kind: 'error', error: { flag: flagName(key), message: `missing value; expected ${describeType(spec.type)}` } };
      raw = next;
      a += 1;
    }
    const parsed = parseValue(spec, raw);
    if (!parsed.ok) return { kind: 'error', error: { flag: flagName(key), message: parsed.message } };
    setKey(cfg, key, parsed.value);
  }
  const err = validateConfig(cfg);
  return err ? { kind: 'error', error: err } : { kind: 'ok', config: cfg };
}

/**
 * Render a nested config object (`{"train": {"learning_rate": 0.003}, ...}`)
 * as trainer flags, booleans as `True`/`False`. Keys are not checked here;
 * {@link parseFlags} rejects unknown ones.
 */
export function configToArgv(config: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  const push = (key: string, v: unknown): void => {
    if (v === null || v === undefined) return;
    out.push(flagName(key), typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));
  };
  for (const [k, v] of Object.entries(config)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) push(`${k}.${k2}`, v2);
    } else push(k, v);
  }
  return out;
}

/** Usage text listing every flag with its allowed values and default. */
export function usage(): string {
  const d = defaultConfig() as unknown as Record<string, unknown>;
  const lookup = (key: string): unknown => {
    const dot = key.indexOf('.');
    return dot < 0 ? d[key] : (d[key.slice(0, dot)] as Record<string, unknown>)[key.slice(dot + 1)];
  };
  const lines = KEY_SPECS.map((s) => {
    const def = s.hasDefault ? lookup(s.key) : undefined;
    const defText = !s.hasDefault ? 'derived' : def === null ? 'none' : typeof def === 'boolean' ? (def ? 'True' : 'False') : String(def);
    return `  ${flagName(s.key).padEnd(28)} ${s.help} (${describeType(s.type)}; default ${defText})`;
  });
  return ['usage: node dist/trainers/cartpole/main.js [--section.key VALUE | --section.key=VALUE]...', '', ...lines, ''].join('\n');
}
