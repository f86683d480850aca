/**
 * The inspector's parameters view, as a pure fold: each session's policy (the `policy.json` its
 * `LoopStarted` bound), and each run's whole config as accepted (`ProposalAccepted.config`: the
 * overrides merged into their base, normalized), so every key has a value, not only the changed ones.
 * {@link paramsOf} joins them with the runs table's rows (metric mean, status).
 */
import { flattenConfig, type Scalar } from '../../domain/config/config.js';
import { hasOwn } from '../../domain/config/path.js';
import { parsePolicy, type KeySpec, type Policy } from '../../domain/policy/policy.js';
import { dimOf } from '../../domain/proposers/tpe/space.js';
import type { AutopilotEvent } from '../../events/catalogue.js';
import type { StoredEvent } from '../../events/store.js';
import type { MetricInfo, RunRow, RunStatus } from './types.js';

/** Where the policy a session is bound to is recorded among `LoopStarted.inputs`. */
export const POLICY_INPUT = 'policy.json';

/** How a key's values are laid on an axis: linear, log (log-distributed keys), or one column per choice. */
export type ParamScale = 'linear' | 'log' | 'categorical';

/** One policy key, as the parameters view draws it. */
export interface ParamKey {
  key: string;
  kind: KeySpec['type'];
  scale: ParamScale;
  /** The policy's range (number and integer keys). */
  min?: number;
  max?: number;
  /** The allowed values (boolean and enum keys), in the policy's order. */
  choices?: Scalar[];
}

/** One run: the value of every policy key in its accepted config (null: the config lacks it). */
export interface ParamRun {
  id: string;
  status: RunStatus;
  /** Its mean of the session's metric (null: not measured). */
  metric: number | null;
  values: Record<string, Scalar | null>;
}

/** `GET /api/params`: a session's policy keys and its runs' values. */
export interface ParamsView {
  session: string | null;
  metric: MetricInfo | null;
  /** Null when the session recorded no readable policy: the keys are then those its runs changed. */
  policyProblem: string | null;
  keys: ParamKey[];
  /** The session's runs that have an accepted config, in run order. */
  runs: ParamRun[];
}

/** The fold's state: policies by session, flat configs by run. */
export interface ParamsFold {
  lastSeq: number;
  policies: Map<string, string | null>;
  configs: Map<string, Record<string, Scalar>>;
}

/** Nothing folded yet. */
export function emptyParams(): ParamsFold {
  return { lastSeq: 0, policies: new Map(), configs: new Map() };
}

/** The event types {@link evolveParams} reads (a server may read only these from the log). */
export const PARAMS_EVENT_TYPES = ['LoopStarted', 'ProposalAccepted'] as const;

/** Folds one stored event in (mutating and returning the state); other types only move `lastSeq`. */
export function evolveParams(s: ParamsFold, stored: StoredEvent<AutopilotEvent>): ParamsFold {
  const e = stored.event;
  s.lastSeq = stored.seq;
  if (e.type === 'LoopStarted') s.policies.set(e.data.session, e.data.inputs?.find((f) => f.path === POLICY_INPUT)?.text ?? null);
  // A run asked again (a retry of its proposal) keeps the config accepted last.
  else if (e.type === 'ProposalAccepted') s.configs.set(e.data.runId, flattenConfig(e.data.config));
  return s;
}

/** The scale of a key: log when its search distribution is (as the proposers draw it: log-normal, powers of two, decades). */
export function scaleOf(key: string, spec: KeySpec): ParamScale {
  if (spec.type === 'boolean' || spec.type === 'enum') return 'categorical';
  const dim = dimOf(key, spec);
  return dim.kind === 'numeric' && (dim.scale === 'log' || dim.scale === 'int_log' || dim.scale === 'pow2') ? 'log' : 'linear';
}

/** The view's keys of a policy, in the policy's order. */
export function paramKeys(policy: Policy): ParamKey[] {
  return Object.entries(policy.keys).map(([key, spec]) => {
    const base = { key, kind: spec.type, scale: scaleOf(key, spec) };
    if (spec.type === 'number' || spec.type === 'integer') return { ...base, min: spec.min, max: spec.max };
    return { ...base, choices: spec.type === 'boolean' ? [false, true] : [...spec.choices] };
  });
}

// Without a policy: the keys the runs changed, numeric when every value is a number.
function changedKeys(rows: readonly RunRow[]): ParamKey[] {
  const seen = new Map<string, Scalar[]>();
  for (const r of rows) for (const c of r.changed) if (c.to !== null) seen.set(c.key, [...(seen.get(c.key) ?? []), c.to]);
  return [...seen].map(([key, values]) => {
    if (values.every((v) => typeof v === 'number')) return { key, kind: 'number' as const, scale: 'linear' as const };
    return { key, kind: 'enum' as const, scale: 'categorical' as const, choices: [...new Set(values)] };
  });
}

function readPolicy(text: string | null | undefined): { policy: Policy } | { problem: string } {
  if (text == null) return { problem: `the session recorded no ${POLICY_INPUT}` };
  try {
    return { policy: parsePolicy(JSON.parse(text)) };
  } catch (e) {
    return { problem: `the session's ${POLICY_INPUT} cannot be read: ${(e as Error).message.split('\n')[0]}` };
  }
}

/** The parameters of `session` (default: the latest one), from the fold and the runs table's rows. */
export function paramsOf(s: ParamsFold, rows: readonly RunRow[], metrics: ReadonlyMap<string, MetricInfo>, session?: string): ParamsView {
  const chosen = session ?? [...s.policies.keys()].at(-1) ?? null;
  if (chosen === null) return { session: null, metric: null, policyProblem: null, keys: [], runs: [] };
  const own = rows.filter((r) => r.session === chosen && s.configs.has(r.id));
  const read = readPolicy(s.policies.get(chosen));
  const keys = 'policy' in read ? paramKeys(read.policy) : changedKeys(own);
  const runs = own.map((r) => {
    const config = s.configs.get(r.id)!;
    const values = Object.fromEntries(keys.map((k) => [k.key, hasOwn(config, k.key) ? config[k.key]! : null]));
    return { id: r.id, status: r.status, metric: r.metric?.mean ?? null, values };
  });
  return { session: chosen, metric: metrics.get(chosen) ?? null, policyProblem: 'problem' in read ? read.problem : null, keys, runs };
}

/** Folds `events` on from `from` (default: nothing). */
export function foldParams(events: Iterable<StoredEvent<AutopilotEvent>>, from: ParamsFold = emptyParams()): ParamsFold {
  for (const stored of events) evolveParams(from, stored);
  return from;
}
