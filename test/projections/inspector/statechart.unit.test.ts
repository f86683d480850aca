import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { RESTORE_EVENT, loopMachine } from '../../../machines/loop.machine.js';
import { edgeCounts, edgeId, edgeOf, loopStatechart, statechartOf } from '../../../projections/inspector/statechart.js';
import { historyEvents } from '../../support/history-events.js';

const graph = loopStatechart();
const edge = (source: string, event: string | null, target: string) => graph.edges.find((e) => e.id === edgeId(source, event, target));

describe('the statechart of the loop machine', () => {
  it("has exactly the machine's states, in definition order, with their actors", () => {
    expect(graph.nodes.map((n) => n.key)).toEqual(Object.keys(loopMachine.root.states));
    expect(graph.initial).toBe('bootstrap');
    const byKey = new Map(graph.nodes.map((n) => [n.key, n]));
    expect(byKey.get('train')).toMatchObject({ id: 'loop.train', type: 'atomic', invokes: ['train'] });
    expect(byKey.get('done')?.type).toBe('final');
    expect(byKey.get('deciding')?.invokes).toEqual([]);
  });

  it('draws only edges between its states, on events the machine accepts, never the restore event', () => {
    const keys = new Set(Object.keys(loopMachine.root.states));
    const accepted = new Set<string>(loopMachine.root.events);
    accepted.delete(RESTORE_EVENT);
    for (const e of graph.edges) {
      expect(keys.has(e.source) && keys.has(e.target), e.id).toBe(true);
      if (e.event !== null) expect(accepted.has(e.event), e.id).toBe(true);
    }
    expect(graph.edges.filter((e) => e.event === RESTORE_EVENT)).toEqual([]);
    expect(new Set(graph.edges.map((e) => e.id)).size).toBe(graph.edges.length);
    // Nothing leaves a final state.
    expect(graph.edges.filter((e) => e.source === 'done' || e.source === 'halted')).toEqual([]);
  });

  it('merges parallel transitions, listing their guards', () => {
    expect(edge('propose', 'ProposalFailed', 'propose')?.guards).toEqual(['processFailedCanFallBack', 'canAskAgain', 'canFallBack']);
    expect(edge('propose', 'ProposalFailed', 'halted')?.guards).toEqual([]);
    expect(edge('deciding', null, 'halted')?.guards).toEqual(['stopRequested', 'hasFatal', 'tooManyFailures', 'runBudgetSpent', 'wallBudgetSpent']);
    expect(edge('deciding', null, 'done')?.guards).toEqual(['allRunsDone']);
    expect(edge('stopping', null, 'halted')?.guards).toEqual([]);
    expect(graph.nodes.find((n) => n.key === 'journal')?.internal).toEqual(expect.arrayContaining(['IncumbentChanged', 'StopRequested']));
  });

  it("draws the root's stop from every state that does not handle it itself", () => {
    expect(edge('propose', 'StopRequested', 'stopping')?.guards).toEqual(['stopNow']);
    expect(edge('bootstrap', 'StopRequested', 'stopping')).toBeDefined();
    // The train state stops its trainer first: its own handler always takes the event.
    expect(edge('train', 'StopRequested', 'stopping')).toBeUndefined();
    expect(graph.nodes.find((n) => n.key === 'train')?.internal).toContain('StopRequested');
    // A state left in the same macrostep it is entered in receives no event.
    expect(graph.edges.filter((e) => (e.source === 'deciding' || e.source === 'stopping') && e.event !== null)).toEqual([]);
    expect(graph.nodes.find((n) => n.key === 'stopping')?.internal).toEqual([]);
  });

  it('reads guards given as objects or inline functions too', () => {
    const machine = createMachine({
      id: 'm',
      initial: 'a',
      states: {
        a: {
          on: {
            GO: [
              { target: 'b', guard: { type: 'ready', params: { n: 1 } } },
              {
                target: 'b',
                guard: function quick() {
                  return true;
                },
              },
            ],
          },
        },
        b: { type: 'final' },
      },
    });
    expect(statechartOf(machine).edges).toEqual([{ id: 'a|GO|b', source: 'a', target: 'b', event: 'GO', guards: ['ready', 'quick'] }]);
  });
});

describe('edge counts', () => {
  it('are a hand count of the StateEntered events of a committed history', () => {
    const activity = edgeCounts(graph, historyEvents('loop-3'));
    expect(activity.counts).toEqual({
      [edgeId('bootstrap', 'RunPlanned', 'validate')]: 1,
      [edgeId('validate', 'ProposalAccepted', 'train')]: 3,
      [edgeId('train', 'RunFinished', 'evaluate')]: 3,
      [edgeId('evaluate', 'RunEvaluated', 'journal')]: 3,
      [edgeId('journal', 'JournalWritten', 'deciding')]: 3,
      [edgeId('deciding', null, 'propose')]: 2,
      [edgeId('propose', 'ProposalReceived', 'validate')]: 2,
      [edgeId('deciding', null, 'done')]: 1,
    });
    expect(activity).toMatchObject({ unmatched: 0, current: 'done', last: edgeId('deciding', null, 'done') });
  });

  it('count only the session asked for, and an entry that matches no edge apart', () => {
    const events = historyEvents('loop-2');
    expect(edgeCounts(graph, events, 'no-such-session')).toEqual({ counts: {}, unmatched: 0, current: null, last: null });
    const [first] = events.filter((e) => e.event.type === 'StateEntered' && e.event.data.from !== null);
    const odd = { ...first!, event: { ...first!.event, data: { from: 'train', to: 'bootstrap', event: 'RunFinished' } } } as typeof first & {};
    expect(edgeCounts(graph, [odd])).toEqual({ counts: {}, unmatched: 1, current: 'bootstrap', last: null });
    expect(edgeOf(graph, 'journal', 'propose', 'JournalWritten')).toBeNull();
    expect(edgeOf(graph, 'deciding', 'propose', 'JournalWritten')?.event).toBeNull();
  });
});
