/**
 * Proposals come from outside and may hold values JSON cannot carry (NaN, Infinity, undefined).
 * The log must record the proposal as received, so such values are marked on the way in
 * (`{"$nonFinite": "NaN"}`) and restored before validation, which then rejects them by key.
 */

const NON_FINITE = '$nonFinite';
const UNSUPPORTED = '$unsupported';

function isPlain(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A JSON-safe copy of `value`: non-finite numbers and non-JSON values are replaced by markers. Own `__proto__` keys stay own keys. */
export function toRecordable(value: unknown, depth = 0): unknown {
  if (depth > 64) return { [UNSUPPORTED]: 'nesting deeper than 64' };
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : { [NON_FINITE]: String(value) };
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      if (value === null) return null;
      if (Array.isArray(value)) return value.map((v) => toRecordable(v, depth + 1));
      if (isPlain(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toRecordable(v, depth + 1)]));
      return { [UNSUPPORTED]: Object.prototype.toString.call(value) };
    default:
      return { [UNSUPPORTED]: typeof value };
  }
}

/** Undoes `toRecordable` for non-finite numbers (other markers stay objects, which validation rejects). */
export function fromRecordable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromRecordable);
  if (isPlain(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === NON_FINITE && typeof value[NON_FINITE] === 'string') return Number(value[NON_FINITE]);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromRecordable(v)]));
  }
  return value;
}
