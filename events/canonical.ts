/**
 * Canonical JSON: one byte-exact text per JSON value, used for hashing events.
 *
 * Pure module (no `node:*` imports); the hashing itself lives in `adapters/store/hash.ts`.
 */

/** `prevHash` of the first event in the log: 64 zeros. */
export const GENESIS_HASH: string = '0'.repeat(64);

/**
 * Serialises `value` as canonical JSON: object keys sorted (by UTF-16 code unit) at every level,
 * no whitespace, strings and numbers exactly as `JSON.stringify` writes them. The result is
 * stable across runs and processes, and `canonicalJson(JSON.parse(canonicalJson(v))) === canonicalJson(v)`.
 *
 * Follows `JSON.stringify` where that is lossless (object properties whose value is `undefined`
 * are omitted, `toJSON()` is honoured, so a `Date` becomes its ISO string) and throws a
 * `TypeError` where it would silently lose or invent data: non-finite numbers, `undefined` or
 * holes inside arrays, functions, symbols, bigints, cycles, non-plain objects (Map, Set, class
 * instances without `toJSON`) and an `undefined` top-level value.
 */
export function canonicalJson(value: unknown): string {
  const text = write(value, '$', new Set<object>(), '');
  if (text === undefined) throw new TypeError('canonicalJson: value at $ is undefined, not JSON');
  return text;
}

function fail(path: string, problem: string): never {
  throw new TypeError(`canonicalJson: value at ${path} ${problem}`);
}

/** Returns the canonical text, or `undefined` for an `undefined` value (omitted when it is an object property). */
function write(value: unknown, path: string, ancestors: Set<object>, key: string): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) fail(path, `is a non-finite number (${String(value)})`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return undefined;
    case 'bigint':
      return fail(path, 'is a bigint');
    case 'symbol':
      return fail(path, 'is a symbol');
    case 'function':
      return fail(path, 'is a function');
    case 'object':
      break;
  }
  if (value === null) return 'null';
  const object = value;

  const toJSON = (object as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    return write((toJSON as (key: string) => unknown).call(object, key), path, ancestors, key);
  }

  if (ancestors.has(object)) fail(path, 'is a circular reference');
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      const items: string[] = [];
      for (let i = 0; i < object.length; i++) {
        if (!(i in object)) fail(`${path}[${i}]`, 'is a hole in an array');
        const item = write(object[i], `${path}[${i}]`, ancestors, String(i));
        if (item === undefined) fail(`${path}[${i}]`, 'is undefined inside an array');
        items.push(item);
      }
      return `[${items.join(',')}]`;
    }

    const proto: unknown = Object.getPrototypeOf(object);
    if (proto !== Object.prototype && proto !== null) {
      const name = (object as { constructor?: { name?: unknown } }).constructor?.name;
      fail(path, `is a non-plain object (${typeof name === 'string' ? name : 'unknown'})`);
    }

    const record = object as Record<string, unknown>;
    const parts: string[] = [];
    for (const k of Object.keys(record).sort()) {
      const item = write(record[k], `${path}.${k}`, ancestors, k);
      if (item !== undefined) parts.push(`${JSON.stringify(k)}:${item}`);
    }
    return `{${parts.join(',')}}`;
  } finally {
    ancestors.delete(object);
  }
}
