/**
 * Workspace inputs as the log keeps them: with secrets redacted, so a session can be bound to its
 * settings without the log holding a key. In a JSON input (autopilot.json) the structure is
 * redacted — values of environment-variable names (`"WANDB_API_KEY": …`), secret flags in argv
 * arrays (`"--api-key", …`), secret-looking text anywhere — and then written in one canonical
 * layout; in other text (a trainer script), assignments (`HF_TOKEN=…`) and secret-looking text.
 * Putting such an input back takes the secrets from the file as it is now, at the same place. Pure.
 */
import { isPlainObject } from '../config/path.js';
import { REDACTED, redactArgv, redactText, redactValue, type RecordedNames } from './secrets.js';

// In JSON, only names written as environment variables are redacted by name ("WANDB_API_KEY", not a policy rule's "key").
const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;
const ASSIGNMENT = /(^|[\s;])((?:export\s+)?)([A-Za-z_][A-Za-z0-9_]*)=("[^"\n]*"|'[^'\n]*'|[^\s;]*)/gm;

function unquote(v: string): string {
  return /^(["']).*\1$/s.test(v) ? v.slice(1, -1) : v;
}

function redactJson(value: unknown, record: RecordedNames, name: string | null): unknown {
  if (typeof value === 'string') return name !== null && ENV_NAME.test(name) ? redactValue(name, value, record) : redactText(value);
  if (Array.isArray(value)) {
    // An argv: a flag's value is redacted by the flag's name (`--api-key VALUE`).
    if (value.every((v) => typeof v === 'string')) return redactArgv(value, record);
    return value.map((v) => redactJson(v, record, null));
  }
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactJson(v, record, k)]));
  return value;
}

const canonical = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** `text` (of the input at `path`) with its secrets redacted; exactly `text` when it holds none. */
export function redactInputText(path: string, text: string, record: RecordedNames = []): string {
  if (path.endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return redactText(text);
    }
    const redacted = redactJson(parsed, record, null);
    return canonical(redacted) === canonical(parsed) ? text : canonical(redacted);
  }
  return redactText(
    text.replace(ASSIGNMENT, (m, lead: string, exp: string, name: string, value: string) => {
      const kept = redactValue(name, unquote(value), record);
      return kept === unquote(value) ? m : `${lead}${exp}${name}=${REDACTED}`;
    }),
  );
}

// Each redacted leaf of `recorded` from the same place in `current`; null where that place has no string.
function fill(recorded: unknown, current: unknown): unknown {
  if (typeof recorded === 'string') return recorded.includes(REDACTED) ? (typeof current === 'string' ? current : null) : recorded;
  if (Array.isArray(recorded)) return recorded.map((v, i) => fill(v, Array.isArray(current) ? current[i] : undefined));
  if (isPlainObject(recorded)) return Object.fromEntries(Object.entries(recorded).map(([k, v]) => [k, fill(v, isPlainObject(current) ? current[k] : undefined)]));
  return recorded;
}

function hasNull(value: unknown): boolean {
  if (value === null) return true;
  if (Array.isArray(value)) return value.some(hasNull);
  if (isPlainObject(value)) return Object.values(value).some(hasNull);
  return false;
}

/**
 * The recorded (redacted) text with each redacted part taken from `current` (the file as it is
 * now) at the same place; null when a redacted part cannot be filled in from it.
 */
export function restoreSecrets(path: string, recorded: string, current: string | null): string | null {
  if (!recorded.includes(REDACTED)) return recorded;
  if (current === null) return null;
  if (path.endsWith('.json')) {
    try {
      const filled = fill(JSON.parse(recorded), JSON.parse(current));
      return hasNull(filled) && !hasNull(JSON.parse(recorded)) ? null : canonical(filled);
    } catch {
      return null;
    }
  }
  const values = new Map<string, string>();
  for (const m of current.matchAll(ASSIGNMENT)) if (!values.has(m[3]!)) values.set(m[3]!, m[4]!);
  let missing = false;
  const filled = recorded.replace(ASSIGNMENT, (m, lead: string, exp: string, name: string, value: string) => {
    if (!value.includes(REDACTED)) return m;
    const now = values.get(name);
    if (now === undefined) {
      missing = true;
      return m;
    }
    return `${lead}${exp}${name}=${now}`;
  });
  return missing || filled.includes(REDACTED) ? null : filled;
}
