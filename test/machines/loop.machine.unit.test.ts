import { describe, expect, it } from 'vitest';
import { createActor, createMachine, fromCallback, type EventObject, type SnapshotFrom } from 'xstate';
import { createTestModel } from 'xstate/graph';
import type { AutopilotEvent, DataOf } from '../../events/catalogue.js';
import { loopMachine, type LoopMachine } from '../../machines/loop.machine.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one inert actor stands in for every input type
const noop = fromCallback<EventObject, any>(() => undefined);
const machine = loopMachine.provide({
  actors: { bootstrap: noop, propose: noop, validate: noop, train: noop, evaluate: noop, journal: noop },
});
type Snap = SnapshotFrom<LoopMachine>;

const at = '2026-01-01T00:00:00.000Z';
const meta = { session: '0001', at };
const ev = <T extends AutopilotEvent['type']>(type: T, data: DataOf<T>) => ({ type, data, metadata: meta }) as Extract<AutopilotEvent, { type: T }>;

const limits = { maxProposalAttempts: 2, maxRunAttempts: 2, maxConsecutiveFailures: 1, onExhausted: 'fallback' as const };
const metric = { name: 'mean_reward', direction: 'maximize' as const };
const incumbent = { runId: '001', metric: 'mean_reward', mean: 100, n: 2, sample: [90, 110], override: {} };
const started = (fresh: boolean) =>
  ev('LoopStarted', {
    session: '0001',
    runsRequested: 2,
    mode: 'quick',
    proposer: 'command',
    firstRunIndex: fresh ? 1 : 2,
    incumbent: fresh ? null : incumbent,
    limits,
    metric,
    pid: 1,
  });
const accepted = (runId: string) =>
  ev('ProposalAccepted', {
    runId,
    attempt: 1,
    proposer: 'random',
    base: 'baseline',
    config: { train: { learning_rate: 0.001 } },
    override: {},
    diff: [],
    normalizations: [],
    rationale: 'r',
    hypothesis: 'h',
  });
const error = { key: 'train.lr', value: 1, expected: 'number in [0, 0.1]', rule: 'range', message: 'train.lr = 1 is out of range' };

/** The events that make sense in each state, built from the state's context (keeps the graph finite). */
function eventsFor(s: Snap): AutopilotEvent[] {
  const run = s.context.run;
  const runId = run?.runId ?? '002';
  const stops = [ev('StopRequested', { reason: 'test', now: false }), ev('StopRequested', { reason: 'test', now: true })];
  switch (s.value) {
    case 'bootstrap':
      return s.context.session === null
        ? [started(true), started(false)]
        : [ev('RunPlanned', { runId: '001', index: 1, kind: 'baseline', mode: 'quick' })];
    case 'propose': {
      if (!run) return [ev('RunPlanned', { runId: `00${s.context.nextRunIndex}`, index: s.context.nextRunIndex, kind: 'proposal', mode: 'quick' }), ...stops];
      if (!run.awaitingProposal)
        return [ev('ProposalRequested', { runId, attempt: run.proposalAttempt + 1, proposer: 'random', previousErrors: run.errors })];
      return [
        ev('ProposalReceived', { runId, attempt: run.proposalAttempt, proposer: 'random', seed: 7, overrides: {}, rationale: 'r', hypothesis: 'h' }),
        ev('ProposalFailed', { runId, attempt: run.proposalAttempt, proposer: 'random', message: 'crashed' }),
      ];
    }
    case 'validate':
      return [accepted(runId), ev('ProposalRejected', { runId, attempt: run?.proposalAttempt || 1, errors: [error] })];
    case 'train': {
      if (!run?.started)
        return [
          ev('RunStarted', { runId, attempt: (run?.attempt ?? 0) + 1, launcher: 'local', argv: ['t'], cwd: '/', pid: 1, pidStartTime: null, seed: 1, logPath: 'l', exitFile: null, logOffset: 0 }),
          ...stops,
        ];
      const attempt = run.started.attempt;
      return [
        ev('RunFinished', { runId, attempt, exitCode: 0, durationMs: 1, summarySource: 'summary', metrics: { mean_reward: 120 }, samples: { mean_reward: [110, 130] } }),
        ev('RunFailed', { runId, attempt, reason: 'crashed', exitCode: 1, signal: null, durationMs: 1, message: 'boom' }),
      ];
    }
    case 'evaluate':
      return [
        ev('RunEvaluated', {
          runId,
          metric: 'mean_reward',
          direction: 'maximize',
          verdict: 'improved',
          method: 'difference of means',
          candidate: { mean: 120, n: 2 },
          incumbent: null,
          delta: null,
          seed: null,
        }),
      ];
    case 'journal': {
      const status = run?.finished ? 'completed' : 'failed';
      return [
        ...(run?.evaluation && s.context.incumbent?.runId !== runId ? [ev('IncumbentChanged', { runId, previous: null, incumbent: { ...incumbent, runId } })] : []),
        ev('JournalWritten', { runId, status, action: 'a', observation: 'o', outcome: 'x', next: 'n' }),
      ];
    }
    default:
      return [];
  }
}

function key(s: Snap): string {
  const c = s.context;
  return JSON.stringify([
    s.value,
    c.session,
    c.runsCompleted,
    c.consecutiveFailures,
    c.stop?.now ?? null,
    c.incumbent?.runId ?? null,
    c.run && [c.run.runId, c.run.proposalAttempt, c.run.awaitingProposal, c.run.fallback, c.run.attempt, !!c.run.started, !!c.run.accepted, !!c.run.finished],
  ]);
}

// The model is the statechart's structure without its invocations (xstate/graph walks pure transitions);
// the system under test is the real machine with inert actors, driven by the same events.
const states = Object.fromEntries(
  Object.entries(loopMachine.config.states ?? {}).map(([name, node]) => {
    const { invoke: _invoke, ...rest } = node as Record<string, unknown>;
    return [name, rest];
  }),
);
const modelMachine = (
  createMachine({ ...loopMachine.config, states } as typeof loopMachine.config, loopMachine.implementations) as unknown as LoopMachine
).provide({ actions: { forwardStop: () => undefined } });
const model = createTestModel(modelMachine, {
  events: eventsFor,
  // xstate/graph adds a bare {type} for every event a state handles; only the generated, complete events count.
  filterEvents: (_s, e) => 'data' in e,
  serializeState: (s) => key(s),
});
const paths = model.getShortestPaths();

describe('when the loop machine is driven through every shortest path', () => {
  it('reaches every state of the loop, including done and halted', () => {
    const reached = new Set(paths.flatMap((p) => p.steps.map((step) => String(step.state.value))));
    for (const s of ['bootstrap', 'propose', 'validate', 'train', 'evaluate', 'journal', 'done', 'halted']) expect(reached).toContain(s);
  });

  for (const path of paths) {
    const steps = path.steps.slice(1).map((s) => s.event.type);
    it(`reaches ${String(path.state.value)} via ${steps.join(' > ') || 'start'}`, async () => {
      const sut = createActor(machine).start();
      const send = ({ event }: { event: AutopilotEvent }) => {
        sut.send(event);
      };
      await path.test({
        events: Object.fromEntries(
          ['LoopStarted', 'RunPlanned', 'ProposalRequested', 'ProposalReceived', 'ProposalFailed', 'ProposalRejected', 'ProposalAccepted', 'RunStarted', 'RunFinished', 'RunFailed', 'RunEvaluated', 'IncumbentChanged', 'JournalWritten', 'StopRequested'].map((t) => [t, send]),
        ),
        states: {
          '*': (expected) => {
            const actual = sut.getSnapshot();
            expect(actual.value).toEqual(expected.value);
            expect(key(actual)).toEqual(key(expected));
          },
          done: () => {
            const c = sut.getSnapshot().context;
            expect(c.runsCompleted).toBeGreaterThanOrEqual(c.runsRequested);
            expect(c.haltReason).toBeNull();
          },
          halted: () => {
            expect(sut.getSnapshot().context.haltReason).toMatch(/stop requested|no valid proposal|proposer failed|consecutive failed|the baseline run \d+ failed|the trainer cannot start/);
          },
          train: () => {
            expect(sut.getSnapshot().context.run?.accepted).not.toBeNull();
          },
          propose: () => {
            const run = sut.getSnapshot().context.run;
            // Once the configured proposer is exhausted, the built-in one is asked.
            if (run?.fallback) expect(run.proposalAttempt).toBeGreaterThanOrEqual(limits.maxProposalAttempts);
          },
        },
      });
    });
  }
});

describe('when an agent proposer fails as a process', () => {
  const drive = (reason: DataOf<'ProposalFailed'>['reason'], onExhausted: 'halt' | 'fallback') => {
    const sut = createActor(machine).start();
    sut.send(ev('LoopStarted', { ...started(false).data, limits: { ...limits, onExhausted } }));
    sut.send(ev('RunPlanned', { runId: '002', index: 2, kind: 'proposal', mode: 'quick' }));
    sut.send(ev('ProposalRequested', { runId: '002', attempt: 1, proposer: 'command', previousErrors: [] }));
    sut.send(ev('ProposalFailed', { runId: '002', attempt: 1, proposer: 'command', message: 'no output for 300s', ...(reason ? { reason } : {}) }));
    return sut.getSnapshot();
  };

  for (const reason of ['timeout', 'hung', 'crashed', 'no-proposal'] as const)
    it(`falls back to the built-in optimizer at once after "${reason}" when a fallback is configured`, () => {
      const s = drive(reason, 'fallback');
      expect(s.value).toBe('propose');
      expect(s.context.run).toMatchObject({ fallback: true, fallbackAt: 1, proposalAttempt: 1 });
    });

  it('asks the agent again after an error of its own setup (a bad prompt template), before falling back', () => {
    const s = drive('error', 'fallback');
    expect(s.value).toBe('propose');
    expect(s.context.run?.fallback).toBe(false);
  });

  it('asks the agent again when no fallback is configured', () => {
    const s = drive('hung', 'halt');
    expect(s.value).toBe('propose');
    expect(s.context.run?.fallback).toBe(false);
  });
});
