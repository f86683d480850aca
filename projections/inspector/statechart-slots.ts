/**
 * A slotted session (k runs in flight, machines/parallel.machine.ts) on the one-run statechart: its
 * `StateEntered` events name a slot's states (`slot2.train`), each mapped to the drawn state of that
 * name where the chart has one (propose, validate, train, evaluate, journal); idle, awaitJudge and
 * drained have none. Each slot's state, run and GPU are folded from the session's events. Pure.
 */
import type { AutopilotEvent } from '../../events/catalogue.js';
import type { SlotInFlight, StatechartGraph } from './types.js';

/** A slot's state as `StateEntered` names it (`slot2.train` → slot 2, `train`); null for a state of the loop itself. */
export function slotStateOf(key: string): { slot: number; state: string } | null {
  const m = /^slot(\d{1,4})\.(.+)$/.exec(key);
  return m ? { slot: Number(m[1]), state: m[2]! } : null;
}

/** The drawn state a slot's `state` shows on: the chart's state of that key, else null (idle, awaitJudge, drained). */
export function drawnNodeOf(graph: StatechartGraph, state: string): string | null {
  return graph.nodes.some((n) => n.key === state) ? state : null;
}

/**
 * A slot move as the chart reads it: the states left and entered within the slot (`from` null: the
 * slot's first entry, from the loop's own state); `cross` when it leaves another slot's state (a
 * malformed entry); null when it enters a state of the loop itself.
 */
export function slotMove(from: string | null, to: string): { slot: number; from: string | null; to: string } | 'cross' | null {
  const into = slotStateOf(to);
  if (!into) return null;
  const out = from === null ? null : slotStateOf(from);
  if (out && out.slot !== into.slot) return 'cross';
  return { slot: into.slot, from: out?.state ?? null, to: into.state };
}

/** The slots of a slotted session, as its events leave them. */
export class SlotsFold {
  private readonly slots = new Map<number, { state: string | null; runId: string | null }>();
  private gpus: readonly (string | null)[] = [];

  /** The slots of a session started by `started` (none when it keeps one run in flight). */
  static of(started: Extract<AutopilotEvent, { type: 'LoopStarted' }>): SlotsFold | null {
    const parallel = started.data.parallel;
    if (!parallel || parallel.k < 2) return null;
    const fold = new SlotsFold();
    fold.gpus = parallel.gpus;
    for (let i = 0; i < parallel.k; i++) fold.slot(i);
    return fold;
  }

  /** A `RunPlanned` in a slot: the slot holds that run. */
  planned(runId: string, slot: number): void {
    this.slot(slot).runId = runId;
  }

  /** A slot entered `to` (from `from`, null: its first entry); back in idle or drained from a run, it holds none. */
  entered(slot: number, from: string | null, to: string): void {
    const s = this.slot(slot);
    s.state = to;
    if (from !== null && (to === 'idle' || to === 'drained')) s.runId = null;
  }

  /** Each slot in order: its state, the drawn state it shows on, its run and GPU. */
  list(graph: StatechartGraph): SlotInFlight[] {
    return [...this.slots.entries()]
      .sort(([a], [b]) => a - b)
      .map(([slot, s]) => ({ slot, state: s.state, node: s.state === null ? null : drawnNodeOf(graph, s.state), runId: s.runId, gpu: this.gpus[slot] ?? null }));
  }

  private slot(i: number): { state: string | null; runId: string | null } {
    const known = this.slots.get(i) ?? { state: null, runId: null };
    this.slots.set(i, known);
    return known;
  }
}
