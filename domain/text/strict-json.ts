/**
 * A strict JSON parser for untrusted proposal text. Unlike `JSON.parse` it reports
 * what `JSON.parse` hides or cannot say precisely, each problem as a
 * {@link ValidationError} naming the key path where it occurred:
 *
 * - `too_large`: text over 256 KiB of UTF-8 (checked before parsing);
 * - `duplicate_key`: a key given twice in one object (`JSON.parse` keeps the last);
 * - `too_deep`: objects and arrays nested deeper than 8 levels (the root is level 1);
 * - `non_finite`: the tokens `NaN`, `Infinity`, `-Infinity` (Python's `json.dump`
 *   writes them) and numbers that overflow to ±Infinity;
 * - `forbidden_key`: a key `__proto__`, `constructor` or `prototype`, or a dotted key
 *   with such a segment, anywhere;
 * - `shape`: invalid JSON, or a root that is not an object.
 *
 * It never throws, runs in time linear in the text (no recursion: 100k nested `[`
 * cost one frame each on an explicit stack). Objects are built with
 * `Object.defineProperty` (never by assignment) and forbidden keys are left out,
 * so no key can reach a prototype.
 */
import { describeKind } from './format.js';
import { isForbiddenSegment, isPlainObject } from '../config/path.js';
import { validationError, type ValidationError } from '../policy/validation-error.js';

/** Largest text accepted, in UTF-8 bytes (256 KiB). */
export const MAX_JSON_BYTES = 256 * 1024;
/** Deepest nesting accepted: the root object is level 1. */
export const MAX_JSON_DEPTH = 8;
/** Problems listed before the rest are summed up in one last error. */
export const MAX_JSON_PROBLEMS = 100;

const UNLISTED_PROBLEM = 'were found but are not listed';
const UNLISTED_EXPECTED = `at most ${MAX_JSON_PROBLEMS} problems listed`;

/**
 * Splits off the last error in which {@link parseStrictJson} sums up the problems it did not
 * list: the other errors, and how many problems that error stood for (0 when there is none).
 */
export function splitUnlisted(errors: readonly ValidationError[]): { listed: ValidationError[]; unlisted: number } {
  const listed: ValidationError[] = [];
  let unlisted = 0;
  for (const e of errors) {
    const count = e.rule === 'shape' && e.expected === UNLISTED_EXPECTED && typeof e.value === 'string' ? /^(\d+) more problems?$/.exec(e.value) : null;
    if (count) unlisted += Number(count[1]);
    else listed.push(e);
  }
  return { listed, unlisted };
}

/** Where in the document a problem occurred: object keys and array indices from the root. */
export type JsonPath = readonly (string | number)[];

/** One problem with its path in the document (`[]` for the text or the root as a whole). */
export type StrictJsonProblem = { path: JsonPath; error: ValidationError };

/**
 * Outcome of {@link parseStrictJson}. When the text is syntactically valid JSON with an
 * object root, `value` holds it even if there are problems (with every offending
 * key, too-deep container and duplicate left out).
 */
export type StrictJsonResult =
  { ok: true; value: Record<string, unknown> } | { ok: false; value: Record<string, unknown> | undefined; errors: ValidationError[]; problems: StrictJsonProblem[] };

/** How problem paths become error keys, and the limits. */
export type StrictJsonOptions = {
  /** Key of problems with the text or root as a whole. Default `proposal`. */
  rootKey?: string;
  /** A top-level field whose contents are reported relative to it. Default `overrides`; `null` for none. */
  scope?: string | null;
  /** Default {@link MAX_JSON_BYTES}. */
  maxBytes?: number;
  /** Default {@link MAX_JSON_DEPTH}. */
  maxDepth?: number;
};

const FORBIDDEN_LIST = '__proto__, constructor and prototype';
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const DISCARDED: unique symbol = Symbol('discarded');
/** Shared by discarded frames, which never record keys (see `setKey`). */
const NO_KEYS = new Set<string>();

type Container = Record<string, unknown> | unknown[];
type Frame = {
  /** `null` when the container is too deep (or inside one): scanned for syntax, never built. */
  target: Container | null;
  array: boolean;
  path: JsonPath;
  index: number;
  seen: Set<string>;
  key: string;
  keyStatus: 'ok' | 'duplicate' | 'forbidden';
};
type State = 'value' | 'value_or_close' | 'key' | 'key_or_close' | 'after';

/** Thrown inside the parser only, for a syntax error; caught by {@link parseStrictJson}. */
class SyntaxProblem {
  constructor(
    readonly reason: string,
    readonly at: number,
    readonly path: JsonPath,
  ) {}
}

/**
 * Parses `text` as JSON whose root must be an object, collecting every problem
 * (see the module comment). Error keys are dotted paths: inside the `scope` field
 * (default `overrides`) relative to it (`train.learning_rate`), elsewhere from the
 * root (`rationale`, `overrides`), array items as `[i]`; problems with the text or
 * the root as a whole use `rootKey` (default `proposal`). Never throws.
 */
export function parseStrictJson(text: string, options: StrictJsonOptions = {}): StrictJsonResult {
  const rootKey = options.rootKey ?? 'proposal';
  const scope = options.scope === undefined ? 'overrides' : options.scope;
  const maxBytes = options.maxBytes ?? MAX_JSON_BYTES;
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const problems: StrictJsonProblem[] = [];
  let omitted = 0;
  const keyOf = (path: JsonPath): string => keyOfPath(path, rootKey, scope);
  const report = (path: JsonPath, value: unknown, rule: string, problem: string, expected: string): void => {
    if (problems.length >= MAX_JSON_PROBLEMS) omitted++;
    else problems.push({ path, error: validationError(keyOf(path), value, rule, problem, expected) });
  };
  const finish = (value: Record<string, unknown> | undefined): StrictJsonResult => {
    if (omitted > 0) {
      const summary = `${omitted} more problem${omitted === 1 ? '' : 's'}`;
      problems.push({ path: [], error: validationError(rootKey, summary, 'shape', UNLISTED_PROBLEM, UNLISTED_EXPECTED) });
    }
    if (problems.length === 0 && value !== undefined) return { ok: true, value };
    return { ok: false, value, errors: problems.map((p) => p.error), problems };
  };

  try {
    const bytes = utf8Length(text);
    if (bytes > maxBytes) {
      report([], `${bytes} bytes of text`, 'too_large', 'is too large', `at most ${maxBytes} bytes${maxBytes === MAX_JSON_BYTES ? ' (256 KiB)' : ''}`);
      return finish(undefined);
    }
    const root = parseDocument(text, maxDepth, report);
    if (!isPlainObject(root)) {
      report([], root, 'shape', `is ${describeKind(root)}, not an object`, 'a JSON object at the root');
      return finish(undefined);
    }
    return finish(root);
  } catch (error) {
    if (error instanceof SyntaxProblem) {
      const where = error.path.length > 0 ? `, inside ${keyOf(error.path)}` : '';
      const problem = `is not valid JSON (${error.reason} at ${lineColumn(text, error.at)}${where})`;
      report([], snippet(text, error.at), 'shape', problem, 'JSON text (RFC 8259) holding an object');
    } else {
      // Not reachable by design; kept so hostile input can never make the parser throw.
      const reason = error instanceof Error ? error.message : 'unreadable';
      report([], undefined, 'shape', `could not be parsed (${reason})`, 'JSON text (RFC 8259) holding an object');
    }
    return finish(undefined);
  }
}

type Report = (path: JsonPath, value: unknown, rule: string, problem: string, expected: string) => void;

/** The iterative parser proper; throws {@link SyntaxProblem} on invalid JSON. */
function parseDocument(text: string, maxDepth: number, report: Report): unknown {
  const n = text.length;
  const stack: Frame[] = [];
  let pos = 0;
  let root: unknown = undefined;
  let state: State = 'value';

  const fail = (reason: string): never => {
    const top = stack[stack.length - 1];
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- internal control flow, caught by parseStrictJson; no stack wanted
    throw new SyntaxProblem(reason, pos, top === undefined || top.target === null ? [] : top.path);
  };
  const skipWhitespace = (): void => {
    while (pos < n) {
      const c = text.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      pos++;
    }
  };
  /** The path of the value about to be read, or null inside a discarded container. */
  const childPath = (): JsonPath | null => {
    const top = stack[stack.length - 1];
    if (top === undefined) return [];
    if (top.target === null) return null;
    return [...top.path, top.array ? top.index : top.key];
  };
  const complete = (value: unknown): void => {
    const top = stack[stack.length - 1];
    if (top === undefined) {
      root = value;
      return;
    }
    if (top.target === null) return;
    if (Array.isArray(top.target)) {
      top.target.push(value === DISCARDED ? undefined : value);
      top.index++;
      return;
    }
    const path = [...top.path, top.key];
    const shown = value === DISCARDED ? 'a value nested too deep' : value;
    if (top.keyStatus === 'forbidden') {
      const segment = top.key.split('.').find(isForbiddenSegment) ?? top.key;
      report(path, shown, 'forbidden_key', `uses the forbidden key ${JSON.stringify(segment)}`, `any key except ${FORBIDDEN_LIST}`);
    } else if (top.keyStatus === 'duplicate') {
      report(path, shown, 'duplicate_key', 'repeats a key of the same object (JSON.parse would silently keep the last)', 'each key at most once per object');
    } else if (value !== DISCARDED) {
      Object.defineProperty(top.target, top.key, { value, enumerable: true, writable: true, configurable: true });
    }
  };
  const open = (array: boolean): void => {
    const path = childPath();
    const depth = stack.length + 1;
    let target: Container | null = null;
    if (path !== null && depth > maxDepth) {
      const excerpt = text.slice(pos, pos + 40) + (pos + 40 < n ? '…' : '');
      report(path, excerpt, 'too_deep', `is nested deeper than ${maxDepth} levels`, `at most ${maxDepth} levels of nested objects and arrays`);
    } else if (path !== null) {
      target = array ? [] : {};
    }
    stack.push({ target, array, path: path ?? [], index: 0, seen: target === null ? NO_KEYS : new Set(), key: '', keyStatus: 'ok' });
    pos++;
  };
  const close = (): void => {
    const frame = stack.pop();
    pos++;
    complete(frame === undefined || frame.target === null ? DISCARDED : frame.target);
  };
  const readString = (): string => {
    const start = pos;
    let simple = true;
    let i = pos + 1;
    for (;;) {
      if (i >= n) {
        pos = start;
        return fail('unterminated string');
      }
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) {
        simple = false;
        i += 2;
      } else {
        if (c < 0x20) simple = false;
        i++;
      }
    }
    pos = i + 1;
    if (simple) return text.slice(start + 1, i);
    try {
      return JSON.parse(text.slice(start, i + 1)) as string;
    } catch {
      pos = start;
      return fail('invalid string (a raw control character or a bad escape)');
    }
  };
  const nonFinite = (value: number, literal: string): number => {
    const path = childPath();
    if (path !== null) {
      const why = /^-?(NaN|Infinity)$/.test(literal) ? `(${literal} is not JSON; Python's json.dump writes it)` : `(${literal} overflows to ${value})`;
      report(path, value, 'non_finite', `is not a finite number ${why}`, 'a finite number');
    }
    return value;
  };
  const readScalar = (): unknown => {
    const c = text[pos];
    if (c === '"') return readString();
    for (const [literal, value] of LITERALS) {
      if (text.startsWith(literal, pos)) {
        pos += literal.length;
        return typeof value === 'number' ? nonFinite(value, literal) : value;
      }
    }
    NUMBER.lastIndex = pos;
    const match = NUMBER.exec(text);
    if (match === null) return fail(c === undefined ? 'unexpected end of text, expected a value' : `unexpected ${describeChar(c)}, expected a value`);
    pos += match[0].length;
    const value = Number(match[0]);
    return Number.isFinite(value) ? value : nonFinite(value, match[0]);
  };
  const setKey = (key: string): void => {
    const top = stack[stack.length - 1];
    if (top === undefined || top.target === null) return;
    top.key = key;
    if (isForbiddenSegment(key) || (key.includes('.') && key.split('.').some(isForbiddenSegment))) top.keyStatus = 'forbidden';
    else if (top.seen.has(key)) top.keyStatus = 'duplicate';
    else top.keyStatus = 'ok';
    top.seen.add(key);
  };

  for (;;) {
    skipWhitespace();
    const c = pos < n ? text[pos] : undefined;
    if (state === 'value' || state === 'value_or_close') {
      if (c === ']' && state === 'value_or_close') {
        close();
        state = 'after';
      } else if (c === '{' || c === '[') {
        open(c === '[');
        state = c === '[' ? 'value_or_close' : 'key_or_close';
      } else {
        complete(readScalar());
        state = 'after';
      }
    } else if (state === 'key' || state === 'key_or_close') {
      if (c === '}' && state === 'key_or_close') {
        close();
        state = 'after';
        continue;
      }
      if (c !== '"') fail(`${c === undefined ? 'unexpected end of text' : `unexpected ${describeChar(c)}`}, expected a "quoted key"${state === 'key_or_close' ? " or '}'" : ''}`);
      const key = readString();
      skipWhitespace();
      if (text[pos] !== ':') fail(`${pos >= n ? 'unexpected end of text' : `unexpected ${describeChar(text[pos] as string)}`}, expected ':' after the key ${JSON.stringify(key)}`);
      pos++;
      setKey(key);
      state = 'value';
    } else {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (c !== undefined) fail(`unexpected ${describeChar(c)} after the end of the JSON value`);
        return root;
      }
      const closer = top.array ? ']' : '}';
      if (c === ',') {
        pos++;
        state = top.array ? 'value' : 'key';
      } else if (c === closer) {
        close();
      } else {
        fail(`${c === undefined ? 'unexpected end of text' : `unexpected ${describeChar(c)}`}, expected ',' or '${closer}'`);
      }
    }
  }
}

const LITERALS: readonly (readonly [string, boolean | null | number])[] = [
  ['true', true],
  ['false', false],
  ['null', null],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
];

/** The error key of a path: see {@link parseStrictJson}. */
function keyOfPath(path: JsonPath, rootKey: string, scope: string | null): string {
  const inScope = scope !== null && path.length > 1 && path[0] === scope;
  const segments = inScope ? path.slice(1) : path;
  if (segments.length === 0) return rootKey;
  let key = '';
  for (const segment of segments) {
    if (typeof segment === 'number') key += `[${segment}]`;
    else key += key === '' ? segment : `.${segment}`;
  }
  return key === '' ? '""' : key;
}

function describeChar(c: string): string {
  return JSON.stringify(c);
}

/** Up to 40 characters either side of `at`, for syntax errors. */
function snippet(text: string, at: number): string {
  const from = Math.max(0, at - 40);
  const to = Math.min(text.length, at + 40);
  return `${from > 0 ? '…' : ''}${text.slice(from, to)}${to < text.length ? '…' : ''}`;
}

function lineColumn(text: string, at: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${at - lineStart + 1}`;
}

/** UTF-8 byte length without TextEncoder (lone surrogates count as 3 bytes, as when encoded with U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Where and why `text` is not valid JSON (`expected ',' or '}' at line 3, column 8`), or null when it is. */
export function jsonSyntaxError(text: string): string | null {
  try {
    parseDocument(text, Number.MAX_SAFE_INTEGER, () => undefined);
    return null;
  } catch (error) {
    return error instanceof SyntaxProblem ? `${error.reason} at ${lineColumn(text, error.at)}` : null;
  }
}
