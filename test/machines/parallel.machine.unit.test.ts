/** The loop with k runs in flight, driven by its events through XState's pure `transition`. */
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, initialTransition, transition, type EventObject, type SnapshotFrom } from 'xstate';
import type { AutopilotEvent, DataOf } from '../../events/catalogue.js';
import { parallelLoopMachine, type SlotsContext } from '../../machines/parallel.machine.js';
import { machineFor, stateName } from '../../machines/machine-for.js';
import { foldMachine } from '../../projections/machine-snapshot.js';
import { restorableSnapshot } from '../../orchestrator/restore.js';
import type { LoopMachine, TrainInput } from '../../machines/loop.machine.js';
import { ev } from '../support/loop-harness.js';

const incumbent = { runId: '001', metric: 'mean_reward', mean: 100, n: 2, sample: [90, 110], override: {} };
const limits = { maxProposalAttempts: 2, maxRunAttempts: 1, maxConsecutiveFailures: 3 };

const started = (k: number, o: { runs?: number; limits?: DataOf<'LoopStarted'>['limits']; incumbent?: typeof incumbent | null } = {}) =>
  ev('LoopStarted', {
    session: '0001',
    runsRequested: o.runs ?? 6,
    mode: 'quick',
    proposer: 'builtin',
    firstRunIndex: 2,
    incumbent: o.incumbent === undefined ? incumbent : o.incumbent,
    limits: o.limits ?? limits,
    metric: { name: 'mean_reward', direction: 'maximize' },
    pid: 1,
    parallel: { k, source: 'option', gpus: Array.from({ length: k }, () => null) },
  });
const planned = (runId: string, slot: number, kind: 'baseline' | 'proposal' = 'proposal') => ev('RunPlanned', { runId, index: Number(runId), kind, mode: 'quick', slot });
const received = (runId: string) => ev('ProposalReceived', { runId, attempt: 1, proposer: 'builtin', seed: 1, overrides: {}, rationale: 'r', hypothesis: 'h' });
const accepted = (runId: string) =>
  ev('ProposalAccepted', { runId, attempt: 1, proposer: 'builtin', base: 'baseline', config: {}, override: {}, diff: [], normalizations: [], rationale: 'r', hypothesis: 'h' });
const launched = (runId: string) =>
  ev('RunStarted', { runId, attempt: 1, launcher: 'local', argv: ['t'], cwd: '/', pid: 1, pidStartTime: null, seed: 1, logPath: 'l', exitFile: null, logOffset: 0 });
const finished = (runId: string) =>
  ev('RunFinished', { runId, attempt: 1, exitCode: 0, durationMs: 1, summarySource: 'summary', metrics: { mean_reward: 120 }, samples: { mean_reward: [110, 130] } });
const failed = (runId: string, reason: 'crashed' | 'killed' = 'crashed') => ev('RunFailed', { runId, attempt: 1, reason, exitCode: 1, signal: null, durationMs: 1, message: 'boom' });
const evaluated = (runId: string) =>
  ev('RunEvaluated', {
    runId,
    metric: 'mean_reward',
    direction: 'maximize',
    verdict: 'regressed',
    method: 'm',
    candidate: { mean: 80, n: 2 },
    incumbent: { runId: '001', mean: 100, n: 2 },
    delta: -20,
    seed: 1,
  });
const journaled = (runId: string, status: 'completed' | 'failed' = 'completed') => ev('JournalWritten', { runId, status, action: 'a', observation: 'o', outcome: 'x', next: 'n' });
/** A run of slot `slot` taken from planning into training. */
const intoTrain = (runId: string, slot: number): AutopilotEvent[] => [planned(runId, slot), received(runId), accepted(runId), launched(runId)];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one inert actor stands in for every input type
const noop = fromCallback<EventObject, any>(() => undefined);

type Snap = SnapshotFrom<ReturnType<typeof parallelLoopMachine>>;
function fold(k: number, events: AutopilotEvent[]): Snap {
  const m = parallelLoopMachine(k);
  let [s] = initialTransition(m);
  for (const e of events) [s] = transition(m, s, e);
  return s;
}
const slotsOf = (s: Snap) => (s.value as { running?: Record<string, string> }).running ?? {};
const ctx = (s: Snap): SlotsContext => s.context;

describe('the loop with k runs in flight', () => {
  it('plans one slot at a time, the lowest free one first, until k runs are in flight', () => {
    let s = fold(3, [started(3)]);
    expect(slotsOf(s)).toEqual({ slot0: 'propose', slot1: 'idle', slot2: 'idle' });
    expect(ctx(s).proposing).toBe(0);
    s = fold(3, [started(3), planned('002', 0), received('002')]);
    // Still proposing (validate): nobody else plans meanwhile.
    expect(slotsOf(s)).toEqual({ slot0: 'validate', slot1: 'idle', slot2: 'idle' });
    s = fold(3, [started(3), ...intoTrain('002', 0)]);
    expect(slotsOf(s)).toEqual({ slot0: 'train', slot1: 'propose', slot2: 'idle' });
    s = fold(3, [started(3), ...intoTrain('002', 0), ...intoTrain('003', 1), ...intoTrain('004', 2)]);
    expect(slotsOf(s)).toEqual({ slot0: 'train', slot1: 'train', slot2: 'train' });
    expect(ctx(s).slots.map((r) => r?.runId)).toEqual(['002', '003', '004']);
    expect(ctx(s).nextRunIndex).toBe(5);
  });

  it('routes each run’s events to its own slot, whatever their order', () => {
    const s = fold(2, [started(2), planned('002', 0), received('002'), accepted('002'), planned('003', 1), received('003'), accepted('003'), launched('003'), launched('002')]);
    expect(ctx(s).slots.map((r) => [r?.runId, r?.started?.runId])).toEqual([
      ['002', '002'],
      ['003', '003'],
    ]);
  });

  it('judges runs one at a time, in the order they ended', () => {
    const base = [started(2), ...intoTrain('002', 0), ...intoTrain('003', 1)];
    let s = fold(2, [...base, finished('003'), finished('002')]);
    // 003 ended first: it is judged first; 002 waits its turn.
    expect(slotsOf(s)).toEqual({ slot0: 'awaitJudge', slot1: 'evaluate' });
    expect(ctx(s).judgeQueue).toEqual(['002']);
    s = fold(2, [...base, finished('003'), finished('002'), evaluated('003'), journaled('003')]);
    expect(slotsOf(s).slot0).toBe('evaluate');
    expect(ctx(s).runsCompleted).toBe(1);
    // A failed run skips evaluation, in its turn.
    s = fold(2, [...base, failed('002'), finished('003')]);
    expect(slotsOf(s)).toEqual({ slot0: 'journal', slot1: 'awaitJudge' });
  });

  it('counts failures in a row in completion order, and a success in flight does not undo the limit', () => {
    const two = { ...limits, maxConsecutiveFailures: 2 };
    const events = [
      started(3, { limits: two }),
      ...intoTrain('002', 0),
      ...intoTrain('003', 1),
      ...intoTrain('004', 2),
      failed('003'),
      journaled('003', 'failed'),
      failed('002'),
      journaled('002', 'failed'),
    ];
    let s = fold(3, events);
    expect(ctx(s).failureLimit).toBe(2);
    // No slot plans again; the run in flight finishes and is judged.
    expect(slotsOf(s)).toEqual({ slot0: 'drained', slot1: 'drained', slot2: 'train' });
    s = fold(3, [...events, finished('004'), evaluated('004'), journaled('004')]);
    expect(s.value).toBe('halted');
    expect(ctx(s).consecutiveFailures).toBe(0);
    expect(ctx(s).haltReason).toBe('2 consecutive failed run(s) (budget 2)');
  });

  it('completes once every requested run is journaled, planning no more than asked', () => {
    const events = [started(2, { runs: 3 }), ...intoTrain('002', 0), ...intoTrain('003', 1)];
    let s = fold(2, [...events, finished('002'), evaluated('002'), journaled('002')]);
    expect(slotsOf(s)).toEqual({ slot0: 'propose', slot1: 'train' });
    s = fold(2, [...events, finished('002'), evaluated('002'), journaled('002'), ...intoTrain('004', 0)]);
    expect(slotsOf(s)).toEqual({ slot0: 'train', slot1: 'train' });
    s = fold(2, [...events, finished('002'), evaluated('002'), journaled('002'), ...intoTrain('004', 0), finished('003'), evaluated('003'), journaled('003')]);
    // 3 runs planned: the free slot drains.
    expect(slotsOf(s)).toEqual({ slot0: 'train', slot1: 'drained' });
    s = fold(2, [
      ...events,
      finished('002'),
      evaluated('002'),
      journaled('002'),
      ...intoTrain('004', 0),
      finished('003'),
      evaluated('003'),
      journaled('003'),
      finished('004'),
      evaluated('004'),
      journaled('004'),
    ]);
    expect(s.value).toBe('done');
    expect(ctx(s).runsCompleted).toBe(3);
  });

  it('proposes beside the baseline, judges nothing but the baseline before there is an incumbent', () => {
    // The baseline enters validate in the step the slots start: nobody proposes until it is accepted.
    let s = fold(3, [started(3, { incumbent: null }), planned('002', 0, 'baseline')]);
    expect(slotsOf(s)).toEqual({ slot0: 'validate', slot1: 'idle', slot2: 'idle' });
    const begin = [started(3, { incumbent: null }), planned('002', 0, 'baseline'), accepted('002'), launched('002')];
    s = fold(3, begin);
    expect(slotsOf(s)).toEqual({ slot0: 'train', slot1: 'propose', slot2: 'idle' });
    // A proposal that ends before the baseline waits; the baseline, ending later, is judged first.
    const both = [...begin, ...intoTrain('003', 1), finished('003'), finished('002')];
    s = fold(3, both);
    expect(slotsOf(s)).toMatchObject({ slot0: 'evaluate', slot1: 'awaitJudge' });
    const promoted = ev('IncumbentChanged', { runId: '002', previous: null, incumbent: { ...incumbent, runId: '002' } });
    s = fold(3, [...both, evaluated('002'), promoted, journaled('002')]);
    expect(ctx(s).incumbent?.runId).toBe('002');
    expect(slotsOf(s).slot1).toBe('evaluate');
  });

  it('on a failed baseline: stops the trainers in flight, journals what finished unjudged, and halts', () => {
    const stops: string[] = [];
    const train = fromCallback<EventObject, TrainInput>(({ input, receive }) => receive((e) => stops.push(`${input.run.runId}:${e.type}`)));
    const m = machineFor(3).provide({ actors: { bootstrap: noop, propose: noop, validate: noop, train, evaluate: noop, journal: noop } });
    const actor = createActor(m);
    actor.start();
    const events = [started(3, { incumbent: null }), planned('002', 0, 'baseline'), accepted('002'), launched('002'), ...intoTrain('003', 1), ...intoTrain('004', 2), finished('004')];
    for (const e of [...events, failed('002'), journaled('002', 'failed')]) actor.send(e);
    // 003 is still training: its trainer is told to stop; 004 finished and is next to be journaled (unjudged).
    expect(stops).toEqual(['003:StopRequested']);
    expect(stateName(actor.getSnapshot().value)).toBe('running(slot0.drained, slot1.train, slot2.journal)');
    for (const e of [journaled('004', 'failed'), failed('003', 'killed')]) actor.send(e);
    // Killed beside a failed baseline: not tried again.
    expect(stateName(actor.getSnapshot().value)).toBe('running(slot0.drained, slot1.journal, slot2.drained)');
    actor.send(journaled('003', 'failed'));
    expect(actor.getSnapshot().value).toBe('halted');
    expect(actor.getSnapshot().context.haltReason).toBe('the baseline run 002 failed: boom');
    actor.stop();
  });

  it('on a stop now: the slots proposing drop their run, each trainer is told, and the session halts once the killed runs are journaled', () => {
    const events = [started(3), ...intoTrain('002', 0), ...intoTrain('003', 1), planned('004', 2)];
    let s = fold(3, [...events, ev('StopRequested', { reason: 'test', now: true })]);
    expect(slotsOf(s)).toEqual({ slot0: 'train', slot1: 'train', slot2: 'drained' });
    s = fold(3, [...events, ev('StopRequested', { reason: 'test', now: true }), failed('002', 'killed'), failed('003', 'killed'), journaled('002', 'failed'), journaled('003', 'failed')]);
    expect(s.value).toBe('halted');
    expect(ctx(s).haltReason).toBe('stop requested: test');
  });

  it('forwards a stop now to the trainer of every slot training', () => {
    const stops: string[] = [];
    const train = fromCallback<EventObject, TrainInput>(({ input, receive }) => receive((e) => stops.push(`${input.run.runId}:${e.type}`)));
    const m = (parallelLoopMachine(3) as unknown as LoopMachine).provide({ actors: { bootstrap: noop, propose: noop, validate: noop, train, evaluate: noop, journal: noop } });
    const actor = createActor(m);
    actor.start();
    for (const e of [started(3), ...intoTrain('002', 0), ...intoTrain('003', 1), planned('004', 2)]) actor.send(e);
    actor.send(ev('StopRequested', { reason: 'test', now: true }));
    expect(stops.sort()).toEqual(['002:StopRequested', '003:StopRequested']);
    actor.stop();
  });

  it('restores every slot: each active region invokes its actor again', () => {
    const trains: string[] = [];
    const train = fromCallback<EventObject, TrainInput>(({ input }) => void trains.push(`${input.run.runId}@${input.slot}`));
    const m = machineFor(3).provide({ actors: { bootstrap: noop, propose: noop, validate: noop, train, evaluate: noop, journal: noop } });
    let [s] = initialTransition(m);
    for (const e of [started(3), ...intoTrain('002', 0), ...intoTrain('003', 1)]) [s] = transition(m, s, e);
    const actor = createActor(m, { snapshot: restorableSnapshot(m, s) });
    actor.start();
    expect(trains.sort()).toEqual(['002@0', '003@1']);
    expect(stateName(actor.getSnapshot().value)).toBe('running(slot0.train, slot1.train, slot2.propose)');
    actor.stop();
  });

  it('is the machine a session’s LoopStarted names, when its events are folded', () => {
    const s = foldMachine([started(2), ...intoTrain('002', 0)]);
    expect(stateName(s.value)).toBe('running(slot0.train, slot1.propose)');
    expect(machineFor(1)).not.toBe(machineFor(2));
    expect(machineFor(2)).toBe(machineFor(2));
    expect(() => parallelLoopMachine(1)).toThrow(/at least 2 slots/);
  });
});
