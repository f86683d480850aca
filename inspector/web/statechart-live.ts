/**
 * The statechart's live moves: a running loop's machine records (SSE `machine` messages, written by
 * adapters/live-inspect.ts) read into where the machine stands. Each microstep of the loop machine
 * itself names its new state value and the event that moved it. Pure.
 */
import type { StatechartGraph } from '../api.js';

/** One live machine record as the stream relays it (only what the page reads is typed). */
export interface MachineRecord {
  kind: string;
  /** True for the loop machine itself; false for an actor it invoked. */
  root?: boolean;
  /** A microstep's new state value. */
  value?: unknown;
  /** A microstep's event type (an `event` record's is `type`). */
  event?: string;
  at?: string;
}

/** Parses one `machine` message's data; null when it is not a record object. */
export function parseMachineRecord(data: string): MachineRecord | null {
  try {
    const v = JSON.parse(data) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { kind?: unknown }).kind === 'string' ? (v as MachineRecord) : null;
  } catch {
    return null;
  }
}

/** The state key a state value names, as `StateEntered` does (`'train'`, `{a: 'b'}` → `'a.b'`); null when it names none. */
export function stateKeyOf(value: unknown): string | null {
  const path: string[] = [];
  for (let v = value; v !== null && v !== undefined;) {
    if (typeof v === 'string') return [...path, v].join('.');
    if (typeof v !== 'object') return null;
    const [first] = Object.entries(v as Record<string, unknown>);
    if (!first) break;
    path.push(first[0]);
    v = first[1];
  }
  return path.length > 0 ? path.join('.') : null;
}

/** Where the machine stands: its state and the last edge it took. */
export interface MachinePosition {
  current: string | null;
  last: string | null;
}

/**
 * The position after `record`: a root microstep moves `current` to its value and `last` to the edge
 * from the previous state on its event (else an eventless one between the two, taken in the same
 * macrostep, as the server matches `StateEntered`). Anything else leaves the position as it is.
 */
export function afterRecord(graph: StatechartGraph, at: MachinePosition, record: MachineRecord): MachinePosition {
  if (record.kind !== 'microstep' || record.root === false) return at;
  const to = stateKeyOf(record.value);
  if (to === null || !graph.nodes.some((s) => s.key === to)) return at;
  if (at.current === null) return { current: to, last: null };
  const from = at.current;
  const on = (event: string | null) => graph.edges.find((e) => e.source === from && e.target === to && e.event === event);
  const edge = on(record.event ?? null) ?? on(null);
  // A microstep that stays put took a re-entering self edge, or an internal transition (no edge: the last one stands).
  if (from === to) return { current: to, last: edge?.id ?? at.last };
  return { current: to, last: edge?.id ?? null };
}
