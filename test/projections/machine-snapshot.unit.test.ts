import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldMachine, MachineTracker, parseMachine, serializeMachine } from '../../projections/machine-snapshot.js';
import { syntheticEvents } from '../support/synthetic-log.js';
import { asStored } from './support.js';

// Three sessions of 8 runs: every machine state and both session ends occur.
const events = asStored(syntheticEvents(24, 8));
const sessionOf = (seq: number) => events[seq - 1]!.event.metadata.session;
const firstSeqOf = (seq: number) => events.find((s) => s.event.metadata.session === sessionOf(seq))!.seq;

/** The machine of the session open at `seq`, folded from that session's first event. */
function freshAt(seq: number) {
  const session = sessionOf(seq);
  return foldMachine(events.slice(0, seq).flatMap((s) => (s.event.metadata.session === session ? [s.event] : [])));
}

const stateOf = (s: ReturnType<typeof freshAt>) => JSON.stringify({ value: s.value, status: s.status, context: s.context });

describe('the machine snapshot', () => {
  it('has several sessions to cross', () => {
    expect(new Set(events.map((s) => s.event.metadata.session)).size).toBe(3);
  });

  it('follows the open session: at any cuts, the tracker folds the same machine as a fold from the session start, and its text restores to it (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: events.length }), { minLength: 1, maxLength: 5 }), (cuts) => {
        const at = new Set(cuts);
        const tracker = new MachineTracker();
        for (const stored of events) {
          tracker.observe(stored);
          if (!at.has(stored.seq)) continue;
          const m = tracker.current()!;
          expect({ session: m.session, firstSeq: m.firstSeq, seq: m.seq }).toEqual({ session: sessionOf(stored.seq), firstSeq: firstSeqOf(stored.seq), seq: stored.seq });
          expect(stateOf(m.snapshot)).toBe(stateOf(freshAt(stored.seq)));
          const back = parseMachine(serializeMachine(m));
          expect(stateOf(back.snapshot)).toBe(stateOf(m.snapshot));
          // Folded on from the restored snapshot, the rest of the session gives the fresh fold's machine.
          const end = events.filter((s) => s.event.metadata.session === m.session).at(-1)!.seq;
          const rest = events.slice(stored.seq, end).flatMap((s) => (s.event.metadata.session === m.session ? [s.event] : []));
          expect(stateOf(foldMachine(rest, back.snapshot))).toBe(stateOf(freshAt(end)));
        }
      }),
      { numRuns: 30 },
    );
  });

  it('takes a stored snapshot of the same point as its fold, and refuses one of another point', () => {
    const tracker = new MachineTracker();
    for (const stored of events.slice(0, 40)) tracker.observe(stored);
    const m = tracker.current()!;
    expect(tracker.adopt({ ...m, seq: 39 })).toBe(false);
    expect(tracker.adopt({ ...m, firstSeq: 2 })).toBe(false);
    expect(tracker.adopt(parseMachine(serializeMachine(m)))).toBe(true);
    expect(stateOf(tracker.current()!.snapshot)).toBe(stateOf(freshAt(40)));
  });

  it('refuses a body that is not a machine snapshot, or names no state of the machine', () => {
    const m = new MachineTracker();
    m.observe(events[0]!);
    const body = JSON.parse(serializeMachine(m.current()!)) as Record<string, unknown>;
    expect(() => parseMachine('{}')).toThrow();
    expect(() => parseMachine(JSON.stringify({ ...body, value: 'nowhere' }))).toThrow();
    expect(() => parseMachine(JSON.stringify({ ...body, status: 'stopped' }))).toThrow();
    expect(parseMachine(JSON.stringify(body)).snapshot.value).toBe(body['value']);
  });
});
