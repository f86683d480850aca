/** Rendering of keys and values inside human-readable error messages. */

const MAX_VALUE_CHARS = 120;
const PRINTABLE_KEY = /^[\x21-\x7e]+$/;

/** A number as JavaScript prints it (`0.0003`, `1e-7`, `NaN`, `Infinity`). */
export function formatNumber(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

/**
 * A key as it appears in messages: verbatim when it is plain printable ASCII
 * without spaces or quotes, JSON-quoted otherwise (empty, spaces, control characters).
 */
export function formatKey(key: string): string {
  return PRINTABLE_KEY.test(key) && !key.includes('"') ? key : JSON.stringify(key);
}

/**
 * A value as it appears in messages: numbers and booleans bare, strings
 * JSON-quoted, objects and arrays as (truncated) JSON. Never throws.
 */
export function formatValue(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return formatNumber(value);
    case 'boolean':
      return String(value);
    case 'string':
      return truncate(JSON.stringify(value));
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return `${value.toString()}n`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    case 'object':
      return formatObject(value);
    default:
      return 'an unknown value'; // typeof has no other results; kept so formatting never throws
  }
}

function formatObject(value: object | null): string {
  if (value === null) return 'null';
  try {
    const json = JSON.stringify(value);
    if (typeof json === 'string') return truncate(json);
  } catch {
    // cyclic, hostile getters, BigInt inside: fall through
  }
  return Array.isArray(value) ? 'an array' : 'an object';
}

function truncate(text: string): string {
  return text.length <= MAX_VALUE_CHARS ? text : `${text.slice(0, MAX_VALUE_CHARS - 1)}…`;
}

/** A human description of a value's kind, for "a string for a number" messages. */
export function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? 'an integer' : 'a number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'undefined':
      return 'undefined';
    case 'object':
      return 'an object';
    case 'bigint':
      return 'a bigint';
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      return 'an unknown value'; // typeof has no other results; kept so formatting never throws
  }
}
