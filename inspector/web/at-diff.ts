/**
 * "What changed" at seq N of the time travel: a structural diff of the machine (state, status,
 * context) and the view summary right after N-1 against right after N. Objects are compared key by
 * key and arrays of objects index by index (a run of the view's list is one path); any other value
 * (a number, a string, an array of numbers such as an incumbent's sample) is one leaf. Pure.
 */
import type { ReplayReport } from '../api.js';

/** One difference: the path (`context.run.attempt`, `view.runs[1].status`) and its values before and after. */
export interface Change {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  /** The value at N-1 (absent when added). */
  before?: unknown;
  /** The value at N (absent when removed). */
  after?: unknown;
}

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isObjectList = (v: unknown): v is unknown[] => Array.isArray(v) && v.length > 0 && v.every(isObject);

/** True when `a` and `b` are the same JSON value (key order aside). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameValue(a[k], b[k]));
  }
  return false;
}

/** `base.key`, or `base["key"]` when the key is not a plain name (`overrides["train.gamma"]`). */
export function childPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

/** The differences from `before` to `after` under `path`, in the order of `after`'s keys, removed keys last. */
export function diffValues(before: unknown, after: unknown, path = ''): Change[] {
  if (isObject(before) && isObject(after)) {
    const out: Change[] = [];
    for (const k of Object.keys(after)) {
      if (k in before) out.push(...diffValues(before[k], after[k], childPath(path, k)));
      else out.push({ path: childPath(path, k), kind: 'added', after: after[k] });
    }
    for (const k of Object.keys(before)) if (!(k in after)) out.push({ path: childPath(path, k), kind: 'removed', before: before[k] });
    return out;
  }
  if (isObjectList(before) && isObjectList(after)) {
    const out: Change[] = [];
    const n = Math.max(before.length, after.length);
    for (let i = 0; i < n; i++) {
      if (i >= before.length) out.push({ path: childPath(path, i), kind: 'added', after: after[i] });
      else if (i >= after.length) out.push({ path: childPath(path, i), kind: 'removed', before: before[i] });
      else out.push(...diffValues(before[i], after[i], childPath(path, i)));
    }
    return out;
  }
  return sameValue(before, after) ? [] : [{ path, kind: 'changed', before, after }];
}

/** What a report's diff covers: the machine's state and status, its context, and the view summary. */
function diffable(r: ReplayReport): Obj {
  return { machine: { state: r.machine.state, status: r.machine.status }, context: r.machine.context, view: r.view };
}

/** What changed from the report at N-1 (null: N is the first event) to the report at N. */
export function whatChanged(previous: ReplayReport | null, current: ReplayReport): Change[] {
  return diffValues(previous ? diffable(previous) : {}, diffable(current));
}

/** A value as one line of JSON, cut to `max` characters (with …); `undefined` as "—". */
export function showValue(v: unknown, max = 160): string {
  if (v === undefined) return '—';
  const text = JSON.stringify(v);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
