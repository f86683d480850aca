import { describe, expect, it } from 'vitest';
import type { AutopilotEvent } from '../../../events/catalogue.js';
import type { StoredEvent } from '../../../events/store.js';
import { drawnNodeOf, slotMove, slotStateOf } from '../../../projections/inspector/statechart-slots.js';
import { edgeCounts, edgeId, loopStatechart } from '../../../projections/inspector/statechart.js';

const graph = loopStatechart();

/** A stored event of session 0007 (edgeCounts reads only the event). */
let seq = 0;
const ev = (type: string, data: Record<string, unknown>) => ({ seq: ++seq, event: { type, data, metadata: { session: '0007' } } }) as unknown as StoredEvent<AutopilotEvent>;
const entered = (from: string | null, to: string, event: string) => ev('StateEntered', { from, to, event });
const started = (parallel: unknown) => ev('LoopStarted', { session: '0007', runsRequested: 6, parallel });

describe('a slot’s states on the one-run chart', () => {
  it('reads slotN.X as slot N in X, and maps X to the drawn state of that name where the chart has one', () => {
    expect(slotStateOf('slot2.train')).toEqual({ slot: 2, state: 'train' });
    expect(slotStateOf('slot10.awaitJudge')).toEqual({ slot: 10, state: 'awaitJudge' });
    expect(['train', 'slotx.train', 'slot.train', 'bootstrap'].map(slotStateOf)).toEqual([null, null, null, null]);
    expect(['propose', 'validate', 'train', 'evaluate', 'journal', 'idle', 'awaitJudge', 'drained'].map((s) => drawnNodeOf(graph, s))).toEqual([
      'propose',
      'validate',
      'train',
      'evaluate',
      'journal',
      null,
      null,
      null,
    ]);
  });

  it('reads a move within a slot, a slot’s first entry, a move across slots and a move of the loop itself', () => {
    expect(slotMove('slot1.validate', 'slot1.train')).toEqual({ slot: 1, from: 'validate', to: 'train' });
    expect(slotMove('bootstrap', 'slot1.idle')).toEqual({ slot: 1, from: null, to: 'idle' });
    expect(slotMove('slot0.train', 'slot1.evaluate')).toBe('cross');
    expect(slotMove('bootstrap', 'deciding')).toBeNull();
  });
});

describe('edge counts of a slotted session', () => {
  const events = [
    started({ k: 3, source: 'gpus', gpus: ['0', '1', null] }),
    entered(null, 'bootstrap', 'LoopStarted'),
    ev('RunPlanned', { runId: '001', index: 1, kind: 'baseline', mode: 'quick', slot: 0 }),
    ...[0, 1, 2].map((i) => entered('bootstrap', `slot${i}.idle`, 'RunPlanned')),
    entered('slot0.idle', 'slot0.validate', 'RunPlanned'),
    entered('slot0.validate', 'slot0.train', 'ProposalAccepted'),
    entered('slot1.idle', 'slot1.propose', 'IncumbentChanged'),
    ev('RunPlanned', { runId: '002', index: 2, kind: 'proposal', mode: 'quick', slot: 1 }),
    entered('slot1.propose', 'slot1.validate', 'ProposalReceived'),
    entered('slot0.train', 'slot0.awaitJudge', 'RunFinished'),
    entered('slot0.awaitJudge', 'slot0.evaluate', 'RunFinished'),
    // Unknown moves: across slots (malformed: unmatched), into a state no machine has (off the chart).
    entered('slot2.idle', 'slot1.train', 'RunFinished'),
    entered('slot1.validate', 'slot1.mystery', 'ProposalAccepted'),
    entered('slot0.evaluate', 'slot0.journal', 'RunEvaluated'),
  ];

  it('count slotN.X → slotN.Y as the edge X → Y where the chart has it, and the rest apart, never as an edge', () => {
    const activity = edgeCounts(graph, events, '0007');
    expect(activity.counts).toEqual({
      [edgeId('validate', 'ProposalAccepted', 'train')]: 1,
      [edgeId('propose', 'ProposalReceived', 'validate')]: 1,
      [edgeId('evaluate', 'RunEvaluated', 'journal')]: 1,
    });
    // Off the chart: 3 first entries into idle, idle → validate, idle → propose, train → awaitJudge → evaluate, validate → mystery.
    expect(activity).toMatchObject({ unmatched: 1, offChart: 8, current: 'running', last: edgeId('evaluate', 'RunEvaluated', 'journal') });
  });

  it('give each slot its state, the drawn state it shows on, its run and its GPU', () => {
    expect(edgeCounts(graph, events).slots).toEqual([
      { slot: 0, state: 'journal', node: 'journal', runId: '001', gpu: '0' },
      { slot: 1, state: 'mystery', node: null, runId: '002', gpu: '1' },
      { slot: 2, state: 'idle', node: null, runId: null, gpu: null },
    ]);
    // Back in idle after its journal, a slot holds no run; a slot not entered yet has no state.
    const after = edgeCounts(graph, [...events, entered('slot0.journal', 'slot0.idle', 'JournalWritten')]);
    expect(after.slots?.[0]).toEqual({ slot: 0, state: 'idle', node: null, runId: null, gpu: '0' });
    expect(after.last).toBeNull();
    expect(edgeCounts(graph, [started({ k: 2, source: 'option', gpus: [null, null] })]).slots).toEqual([
      { slot: 0, state: null, node: null, runId: null, gpu: null },
      { slot: 1, state: null, node: null, runId: null, gpu: null },
    ]);
  });

  it('leave a session of one run at a time as it was: no slots, nothing off the chart', () => {
    const one = [started({ k: 1, source: 'option', gpus: [null] }), entered(null, 'bootstrap', 'LoopStarted'), entered('bootstrap', 'validate', 'RunPlanned')];
    expect(edgeCounts(graph, one)).toEqual({
      counts: { [edgeId('bootstrap', 'RunPlanned', 'validate')]: 1 },
      unmatched: 0,
      current: 'validate',
      last: edgeId('bootstrap', 'RunPlanned', 'validate'),
    });
  });
});
