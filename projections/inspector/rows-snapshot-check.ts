/**
 * The rows snapshot's schema (`RowsState` in rows-snapshot.ts) checked by hand: the same values
 * accepted, copied with the same keys in the same order (unknown keys dropped), the rest refused
 * with an error naming where. A snapshot holds every run (10,000 of them in a big history) and time
 * travel reads one per jump: checked this way it costs a tenth of what the zod schema does. A test
 * holds the two equal. Pure.
 */
import { RunVerdict } from '../../events/catalogue.js';
import type { RowsFold, RunFold } from './rows.js';

const VERDICTS: ReadonlySet<unknown> = new Set(RunVerdict.options);
const KINDS: ReadonlySet<unknown> = new Set(['baseline', 'proposal', 'replicate']);
const JOURNAL: ReadonlySet<unknown> = new Set(['completed', 'failed']);
const DIRECTIONS: ReadonlySet<unknown> = new Set(['maximize', 'minimize']);

type Obj = Record<string, unknown>;
/** Where a value is: its parent's path and its key (joined only for an error, since a snapshot holds millions of values). */
type Read<T> = (v: unknown, at: string, key: string | number) => T;

const place = (at: string, key: string | number) => (typeof key === 'number' ? `${at}[${key}]` : at ? `${at}.${key}` : key);

function fail(at: string, key: string | number, what: string): never {
  throw new Error(`rows snapshot: ${place(at, key)} is not ${what}`);
}

const obj: Read<Obj> = (v, at, key) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : fail(at, key, 'an object'));
const arr: Read<unknown[]> = (v, at, key) => (Array.isArray(v) ? v : fail(at, key, 'an array'));
const num: Read<number> = (v, at, key) => (typeof v === 'number' && Number.isFinite(v) ? v : fail(at, key, 'a number'));
const str: Read<string> = (v, at, key) => (typeof v === 'string' ? v : fail(at, key, 'a string'));
const bool: Read<boolean> = (v, at, key) => (typeof v === 'boolean' ? v : fail(at, key, 'a boolean'));
const scalar: Read<string | number | boolean | null> = (v, at, key) => (v === null || typeof v === 'string' || typeof v === 'boolean' ? v : num(v, at, key));
const oneOf =
  <T>(values: ReadonlySet<unknown>): Read<T> =>
  (v, at, key) =>
    values.has(v) ? (v as T) : fail(at, key, `one of ${[...values].join(', ')}`);
const nullable =
  <T>(read: Read<T>): Read<T | null> =>
  (v, at, key) =>
    v === null ? null : read(v, at, key);

/** Each item read by `read` (a loop, not `map`: a hole is an item, undefined, as the schema sees it). */
function each<T>(v: unknown, at: string, key: string | number, read: Read<T>): T[] {
  const a = arr(v, at, key);
  const path = place(at, key);
  const out: T[] = [];
  for (let i = 0; i < a.length; i++) out.push(read(a[i], path, i));
  return out;
}

const pair: Read<[number, number]> = (v, at, key) => {
  const a = arr(v, at, key);
  if (a.length !== 2) fail(at, key, 'a pair');
  const path = place(at, key);
  return [num(a[0], path, 0), num(a[1], path, 1)];
};
const interval = nullable(pair);
const kind = oneOf<RunFold['row']['kind']>(KINDS);
const verdict = nullable(oneOf<NonNullable<RunFold['row']['verdict']>>(VERDICTS));
const journal = nullable(oneOf<'completed' | 'failed'>(JOURNAL));
const nullableStr = nullable(str);
const nullableNum = nullable(num);

const change: Read<RunFold['row']['changed'][number]> = (v, at, key) => {
  const o = obj(v, at, key);
  const p = place(at, key);
  return { key: str(o['key'], p, 'key'), from: scalar(o['from'], p, 'from'), to: scalar(o['to'], p, 'to') };
};
const metric = nullable<NonNullable<RunFold['row']['metric']>>((v, at, key) => {
  const o = obj(v, at, key);
  const p = place(at, key);
  return { mean: num(o['mean'], p, 'mean'), n: num(o['n'], p, 'n'), interval: interval(o['interval'], p, 'interval') };
});
const delta = nullable<NonNullable<RunFold['row']['delta']>>((v, at, key) => {
  const o = obj(v, at, key);
  const p = place(at, key);
  const c = obj(o['candidate'], p, 'candidate');
  return {
    value: num(o['value'], p, 'value'),
    interval: interval(o['interval'], p, 'interval'),
    incumbent: str(o['incumbent'], p, 'incumbent'),
    candidate: { mean: num(c['mean'], `${p}.candidate`, 'mean'), n: num(c['n'], `${p}.candidate`, 'n') },
    method: str(o['method'], p, 'method'),
  };
});
const launch: Read<RunFold['launches'][number]> = (v, at, key) => {
  const o = obj(v, at, key);
  const p = place(at, key);
  return { seed: nullableNum(o['seed'], p, 'seed'), at: str(o['at'], p, 'at') };
};
const progress = nullable<Record<string, number>>((v, at, key) => {
  const p = place(at, key);
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(obj(v, at, key))) {
    if (k === '__proto__') fail(p, k, 'a metric'); // an own key of that name would set the copy's prototype
    out[k] = num(n, p, k);
  }
  return out;
});

const rolledBack: Read<NonNullable<RunFold['row']['rolledBack']>> = (v, at, key) => {
  const o = obj(v, at, key);
  const p = place(at, key);
  return { at: str(o['at'], p, 'at'), by: str(o['by'], p, 'by'), why: str(o['why'], p, 'why') };
};

const row: Read<RunFold['row']> = (v, at, key) => {
  const r = obj(v, at, key);
  const p = place(at, key);
  return {
    id: str(r['id'], p, 'id'),
    session: str(r['session'], p, 'session'),
    index: num(r['index'], p, 'index'),
    kind: kind(r['kind'], p, 'kind'),
    parent: nullableStr(r['parent'], p, 'parent'),
    proposer: nullableStr(r['proposer'], p, 'proposer'),
    changed: each(r['changed'], p, 'changed', change),
    metric: metric(r['metric'], p, 'metric'),
    delta: delta(r['delta'], p, 'delta'),
    verdict: verdict(r['verdict'], p, 'verdict'),
    durationMs: nullableNum(r['durationMs'], p, 'durationMs'),
    plannedAt: str(r['plannedAt'], p, 'plannedAt'),
    ...(r['rolledBack'] === undefined ? {} : { rolledBack: rolledBack(r['rolledBack'], p, 'rolledBack') }),
  };
};

const runFold: Read<RunFold> = (v, at, key) => {
  const r = obj(v, at, key);
  const p = place(at, key);
  return {
    row: row(r['row'], p, 'row'),
    launches: each(r['launches'], p, 'launches', launch),
    finished: bool(r['finished'], p, 'finished'),
    journal: journal(r['journal'], p, 'journal'),
    interrupted: bool(r['interrupted'], p, 'interrupted'),
    progress: progress(r['progress'], p, 'progress'),
  };
};

const direction = oneOf<'maximize' | 'minimize'>(DIRECTIONS);
const metricOf: Read<[string, { name: string; direction: 'maximize' | 'minimize' }]> = (v, at, key) => {
  const t = arr(v, at, key);
  if (t.length !== 2) fail(at, key, 'a pair');
  const p = place(at, key);
  const info = obj(t[1], p, 1);
  return [str(t[0], p, 0), { name: str(info['name'], `${p}[1]`, 'name'), direction: direction(info['direction'], `${p}[1]`, 'direction') }];
};

/** The rows fold in a snapshot's parsed JSON, as the schema reads it; throws when it is not one. */
export function checkRows(value: unknown): RowsFold {
  const s = obj(value, '', 'the body');
  const lastSeq = num(s['lastSeq'], '', 'lastSeq');
  if (!Number.isSafeInteger(lastSeq) || lastSeq < 0) fail('', 'lastSeq', 'a whole number');
  const runs = each(s['runs'], '', 'runs', runFold);
  const metrics = each(s['metrics'], '', 'metrics', metricOf);
  return { lastSeq, runs: new Map(runs.map((r): [string, RunFold] => [r.row.id, r])), metrics: new Map(metrics) };
}
