import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rowsFoldOfView, type RowsFold } from '../../../projections/inspector/rows.js';
import { checkRows } from '../../../projections/inspector/rows-snapshot-check.js';
import { RowsState, serializeRows } from '../../../projections/inspector/rows-snapshot.js';
import { foldView } from '../../../projections/view.js';
import { historyEvents } from '../../support/history-events.js';
import { syntheticEvents } from '../../support/synthetic-log.js';
import { asStored } from '../support.js';

const events = { 'loop-3': historyEvents('loop-3'), synthetic: asStored(syntheticEvents(30, 10)) };
const bodies = Object.values(events).map((e) => JSON.parse(serializeRows(rowsFoldOfView(foldView(e)))) as unknown);

const text = (f: RowsFold) => JSON.stringify({ lastSeq: f.lastSeq, runs: [...f.runs], metrics: [...f.metrics] });

/** The schema's answer: the fold as zod reads it, or 'refused'. */
function bySchema(body: unknown): string {
  const p = RowsState.safeParse(body);
  return p.success ? text({ lastSeq: p.data.lastSeq, runs: new Map(p.data.runs.map((r) => [r.row.id, r])), metrics: new Map(p.data.metrics) }) : 'refused';
}
function byHand(body: unknown): string {
  try {
    return text(checkRows(body));
  } catch {
    return 'refused';
  }
}

/** Every place in a JSON value: the path of keys to it. */
function places(v: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [path];
  const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return [path, ...keys.flatMap((k) => places((v as Record<string | number, unknown>)[k], [...path, k]))];
}

/** `body` with the value at `path` replaced (or removed, or given an extra key). */
function changed(body: unknown, path: (string | number)[], to: { kind: 'set'; value: unknown } | { kind: 'drop' } | { kind: 'extra' }): unknown {
  const copy = structuredClone(body);
  if (path.length === 0) return to.kind === 'set' ? to.value : copy;
  type Node = Record<string | number, unknown>;
  const parent = path.slice(0, -1).reduce<Node>((o, k) => o[k] as Node, copy as Node);
  const key = path.at(-1)!;
  if (to.kind === 'set') parent[key] = to.value;
  else if (to.kind === 'drop') delete parent[key];
  else if (parent[key] !== null && typeof parent[key] === 'object' && !Array.isArray(parent[key])) (parent[key] as Record<string, unknown>)['extra'] = 1;
  return copy;
}

describe('checkRows', () => {
  it('reads a snapshot as the schema does, to the same keys in the same order', () => {
    for (const body of bodies) {
      expect(byHand(body)).not.toBe('refused');
      expect(byHand(body)).toBe(bySchema(body));
    }
  });

  it('accepts and refuses what the schema does, and reads the same, when any one place of a snapshot is changed (property)', () => {
    const value = fc.oneof(
      fc.constant(null),
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant([]),
      fc.constant({}),
      fc.constant([1, 2]),
      fc.constantFrom('proposal', 'improved', 'failed', 'minimize'),
    );
    const change = fc.oneof(
      value.map((v) => ({ kind: 'set' as const, value: v })),
      fc.constant({ kind: 'drop' as const }),
      fc.constant({ kind: 'extra' as const }),
    );
    fc.assert(
      fc.property(fc.nat({ max: bodies.length - 1 }), fc.nat(), change, (b, at, to) => {
        const body = bodies[b]!;
        const all = places(body);
        const mutated = changed(body, all[at % all.length]!, to);
        expect(byHand(mutated)).toBe(bySchema(mutated));
      }),
      { numRuns: 1500 },
    );
  });
});
