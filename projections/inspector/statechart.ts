/**
 * The loop machine as a graph to draw: its states and transitions, walked with XState's public API
 * only (`machine.root`, and on each state node `states`, `on`, `always`, `after`, `invoke`, `initial`,
 * `type`, `parent`), with parallel transitions merged by (source, target, event) and their guards
 * listed. Then how often the log took each edge, from its `StateEntered {from, to, event}` events.
 * Pure: the machine's definition is read, never run.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import type { AutopilotEvent } from '../../events/catalogue.js';
import type { StoredEvent } from '../../events/store.js';
import { RESTORE_EVENT, loopMachine } from '../../machines/loop.machine.js';
import { SlotsFold, slotMove } from './statechart-slots.js';
import type { EdgeCounts, SlotInFlight, StatechartEdge, StatechartGraph, StatechartNode } from './types.js';

/** The parts of a transition definition the walk reads (all public fields of XState's `TransitionDefinition`). */
interface Transition {
  target: readonly AnyStateNode[] | undefined;
  guard?: unknown;
}

/** A state's key as `StateEntered` names it: its path below the root (`train`). */
function keyOf(node: AnyStateNode): string {
  return node.path.join('.');
}

/** A guard's name: a named guard is a string, or `{type}`; an inline one is a function. */
function guardName(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') return guard.name || 'inline guard';
  if (typeof guard === 'object' && 'type' in guard && typeof guard.type === 'string') return guard.type;
  return 'guard';
}

/** Every state below `node`, in definition order (parents before their children). */
function descendants(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states as Record<string, AnyStateNode>).flatMap((child) => [child, ...descendants(child)]);
}

/**
 * The transitions that apply in `node`, by event (null: eventless): its own, then those of its
 * ancestors for the events it does not always handle itself (an ancestor's transition is only tried
 * when every one of the state's own for that event is guarded).
 */
function transitionsIn(node: AnyStateNode, omit: ReadonlySet<string>): [string | null, Transition[]][] {
  const eventless = (node.always ?? []) as Transition[];
  const byEvent = new Map<string, Transition[]>();
  // A transient state (one eventless transition always taken) is left in its macrostep: no event reaches it.
  const transient = eventless.some((t) => t.guard === undefined);
  for (let at: AnyStateNode | undefined = transient ? undefined : node; at; at = at.parent) {
    for (const [event, defs] of Object.entries(at.on as Record<string, Transition[]>)) {
      const mine = byEvent.get(event) ?? [];
      if (omit.has(event) || mine.some((t) => t.guard === undefined)) continue;
      byEvent.set(event, [...mine, ...defs]);
    }
  }
  const delayed = (node.after as (Transition & { eventType: string })[]).map((t) => [t.eventType, [t]] as [string, Transition[]]);
  return [...byEvent.entries(), ...delayed, ...(eventless.length > 0 ? [[null, eventless] as [null, Transition[]]] : [])];
}

/** The id of the edge from `source` to `target` on `event` (null: eventless). */
export function edgeId(source: string, event: string | null, target: string): string {
  return `${source}|${event ?? ''}|${target}`;
}

/**
 * Walks `machine` into its graph: one node per state, one edge per (source, target, event) with the
 * guards of the merged transitions. Transitions of an ancestor are drawn from each state where they
 * apply; a final state takes none. `omit` drops events never recorded (the restore event).
 */
export function statechartOf(machine: AnyStateMachine, omit: ReadonlySet<string> = new Set([RESTORE_EVENT])): StatechartGraph {
  const nodes: StatechartNode[] = [];
  const edges = new Map<string, StatechartEdge>();
  for (const node of descendants(machine.root)) {
    const internal: string[] = [];
    const source = keyOf(node);
    if (node.type !== 'final')
      for (const [event, defs] of transitionsIn(node, omit)) {
        for (const t of defs) {
          const guard = guardName(t.guard);
          if (!t.target || t.target.length === 0) {
            if (event !== null && !internal.includes(event)) internal.push(event);
            continue;
          }
          for (const to of t.target) {
            const id = edgeId(source, event, keyOf(to));
            const edge = edges.get(id) ?? { id, source, target: keyOf(to), event, guards: [] };
            if (guard !== null && !edge.guards.includes(guard)) edge.guards.push(guard);
            edges.set(id, edge);
          }
        }
      }
    const invokes = (node.invoke as { id: string; src: unknown }[]).map((i) => (typeof i.src === 'string' ? i.src : i.id));
    nodes.push({ id: node.id, key: source, type: node.type, invokes, internal });
  }
  const initial = (machine.root.initial?.target ?? []).map((n: AnyStateNode) => keyOf(n))[0] ?? '';
  return { id: machine.id, initial, nodes, edges: [...edges.values()] };
}

/** The loop machine's graph. */
export function loopStatechart(): StatechartGraph {
  return statechartOf(loopMachine);
}

/** Finds the edge a `StateEntered {from, to, event}` took: the one on that event, else an eventless one between the two (taken in the event's macrostep). */
function edgeFinder(graph: StatechartGraph): (from: string, to: string, event: string) => StatechartEdge | null {
  const byId = new Map(graph.edges.map((e) => [e.id, e]));
  return (from, to, event) => byId.get(edgeId(from, event, to)) ?? byId.get(edgeId(from, null, to)) ?? null;
}

/** The edge of `graph` a `StateEntered {from, to, event}` took (null: none matches). */
export function edgeOf(graph: StatechartGraph, from: string, to: string, event: string): StatechartEdge | null {
  return edgeFinder(graph)(from, to, event);
}

/**
 * How the log moved through the graph: each edge's count, the entries that match no edge, the current
 * state and the last edge taken. A slotted session adds its slots and how many of its moves the chart
 * does not draw (into or out of idle, awaitJudge, drained, or the loop's own states of that machine).
 */
export interface StatechartActivity {
  counts: EdgeCounts;
  unmatched: number;
  current: string | null;
  last: string | null;
  slots?: SlotInFlight[];
  offChart?: number;
}

/**
 * Counts the edges the `StateEntered` events of `events` took (of `session` only, when given). A
 * session's first entry (from nothing) takes no edge; `current` and `last` are those of the last
 * `StateEntered` counted. In a slotted session a slot's move `slotN.X → slotN.Y` counts as the edge
 * X → Y where the chart has it, and `current` is `running` while its slots are.
 */
export function edgeCounts(graph: StatechartGraph, events: Iterable<StoredEvent<AutopilotEvent>>, session?: string): StatechartActivity {
  const find = edgeFinder(graph);
  const out: StatechartActivity = { counts: {}, unmatched: 0, current: null, last: null };
  let slots: SlotsFold | null = null;
  let offChart = 0;
  const take = (edge: StatechartEdge | null, offChartMove: boolean): void => {
    out.last = edge?.id ?? null;
    if (edge) out.counts[edge.id] = (out.counts[edge.id] ?? 0) + 1;
    else if (offChartMove) offChart++;
    else out.unmatched++;
  };
  for (const { event: e } of events) {
    if (session !== undefined && e.metadata.session !== session) continue;
    if (e.type === 'LoopStarted') slots = SlotsFold.of(e);
    if (e.type === 'RunPlanned' && e.data.slot !== undefined) (slots ??= new SlotsFold()).planned(e.data.runId, e.data.slot);
    if (e.type !== 'StateEntered') continue;
    const move = slotMove(e.data.from, e.data.to);
    if (move === 'cross') {
      out.current = e.data.to;
      take(null, false);
      continue;
    }
    if (move) {
      (slots ??= new SlotsFold()).entered(move.slot, move.from, move.to);
      out.current = 'running';
      if (e.data.from === null) out.last = null;
      else take(move.from === null ? null : find(move.from, move.to, e.data.event), true);
      continue;
    }
    out.current = e.data.to;
    if (e.data.from === null) out.last = null;
    // A slotted machine's own moves (bootstrap → deciding…) are not the drawn machine's: off the chart, not unmatched.
    else take(find(e.data.from, e.data.to, e.data.event), slots !== null);
  }
  return slots ? { ...out, slots: slots.list(graph), offChart } : out;
}
