/**
 * Dotted key paths (`train.learning_rate`) and the segments they are made of.
 * Segments that could reach `Object.prototype` when used as property names are
 * forbidden everywhere a path is built, read or written.
 */

/** Segments that must never be used as property names. */
export const FORBIDDEN_SEGMENTS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** Pattern a segment of a policy key must match: a letter or `_`, then letters, digits, `_`. */
export const SAFE_SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True for `__proto__`, `constructor` and `prototype`. */
export function isForbiddenSegment(segment: string): boolean {
  return FORBIDDEN_SEGMENTS.includes(segment);
}

/** True when the segment matches {@link SAFE_SEGMENT} and is not forbidden. */
export function isSafeSegment(segment: string): boolean {
  return SAFE_SEGMENT.test(segment) && !isForbiddenSegment(segment);
}

/** True when every dot-separated segment of `key` is safe (no empty segments). */
export function isSafeDottedKey(key: string): boolean {
  return key.length > 0 && key.split('.').every(isSafeSegment);
}

/** Splits a dotted key into its segments (`'a.b'` → `['a', 'b']`). */
export function splitKey(key: string): string[] {
  return key.split('.');
}

/** Joins segments into a dotted key. */
export function joinKey(segments: readonly string[]): string {
  return segments.join('.');
}

/** True when `obj` has `key` as an own property (never consults the prototype chain). */
export function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** True for objects whose prototype is `Object.prototype` or `null` (what `JSON.parse` produces). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
