import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, type EventObject, type SnapshotFrom } from 'xstate';
import type { AutopilotEvent, DataOf } from '../../events/catalogue.js';
import { loopMachine, type LoopMachine } from '../../machines/loop.machine.js';
import { MODEL_LIMITS, modelPaths, type HaltKind, type ModelEvent, type ModelRun, type ModelState } from './loop-model.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one inert actor stands in for every input type
const noop = fromCallback<EventObject, any>(() => undefined);
const machine = loopMachine.provide({
  actors: { bootstrap: noop, propose: noop, validate: noop, train: noop, evaluate: noop, journal: noop },
});
type Snap = SnapshotFrom<LoopMachine>;

const at = '2026-01-01T00:00:00.000Z';
const meta = { session: '0001', at };
const ev = <T extends AutopilotEvent['type']>(type: T, data: DataOf<T>) => ({ type, data, metadata: meta }) as Extract<AutopilotEvent, { type: T }>;

const limits = {
  maxProposalAttempts: MODEL_LIMITS.maxProposalAttempts,
  maxRunAttempts: MODEL_LIMITS.maxRunAttempts,
  maxConsecutiveFailures: MODEL_LIMITS.maxConsecutiveFailures,
  onExhausted: 'fallback' as const,
};
const metric = { name: 'mean_reward', direction: 'maximize' as const };
const incumbent = { runId: '001', metric: 'mean_reward', mean: 100, n: 2, sample: [90, 110], override: {} };
const started = (fresh: boolean) =>
  ev('LoopStarted', {
    session: '0001',
    runsRequested: MODEL_LIMITS.runsRequested,
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

/** The real event for a model event, sent in model state `s`. */
function toEvent(s: ModelState, e: ModelEvent): AutopilotEvent {
  const runId = s.run?.runId ?? '002';
  switch (e.type) {
    case 'LoopStarted':
      return started(!e.resumed);
    case 'RunPlanned':
      return ev('RunPlanned', { runId: e.runId, index: e.index, kind: e.kind, mode: 'quick' });
    case 'ProposalRequested':
      return ev('ProposalRequested', { runId, attempt: e.attempt, proposer: 'random', previousErrors: [] });
    case 'ProposalReceived':
      return ev('ProposalReceived', { runId, attempt: s.run!.asked, proposer: 'random', seed: 7, overrides: {}, rationale: 'r', hypothesis: 'h' });
    case 'ProposalFailed':
      return ev('ProposalFailed', { runId, attempt: s.run!.asked, proposer: 'random', message: 'crashed' });
    case 'ProposalRejected':
      return ev('ProposalRejected', { runId, attempt: s.run!.asked || 1, errors: [error] });
    case 'ProposalAccepted':
      return accepted(runId);
    case 'RunStarted':
      return ev('RunStarted', { runId, attempt: e.attempt, launcher: 'local', argv: ['t'], cwd: '/', pid: 1, pidStartTime: null, seed: 1, logPath: 'l', exitFile: null, logOffset: 0 });
    case 'RunFinished':
      return ev('RunFinished', { runId, attempt: s.run!.attempt, exitCode: 0, durationMs: 1, summarySource: 'summary', metrics: { mean_reward: 120 }, samples: { mean_reward: [110, 130] } });
    case 'RunFailed':
      return ev('RunFailed', { runId, attempt: s.run!.attempt, reason: 'crashed', exitCode: 1, signal: null, durationMs: 1, message: 'boom' });
    case 'RunEvaluated':
      return ev('RunEvaluated', {
        runId,
        metric: 'mean_reward',
        direction: 'maximize',
        verdict: 'improved',
        method: 'difference of means',
        candidate: { mean: 120, n: 2 },
        incumbent: null,
        delta: null,
        seed: null,
      });
    case 'IncumbentChanged':
      return ev('IncumbentChanged', { runId, previous: null, incumbent: { ...incumbent, runId } });
    case 'JournalWritten':
      return ev('JournalWritten', { runId, status: e.status, action: 'a', observation: 'o', outcome: 'x', next: 'n' });
    case 'StopRequested':
      return ev('StopRequested', { reason: 'test', now: e.now });
  }
}

/** Why the machine halted, in the model's terms. */
function haltKind(reason: string | null): HaltKind | null {
  if (reason === null) return null;
  const kinds: [RegExp, HaltKind][] = [
    [/^stop requested: test$/, 'stop'],
    [/^the baseline run 001 failed: boom$/, 'baseline-failed'],
    [/^1 consecutive failed run\(s\) \(budget 1\)$/, 'failures'],
    [/^run \d{3}: no valid proposal after \d attempt\(s\); last errors: /, 'rejections'],
    [/^run \d{3}: the proposer failed \d time\(s\); last: crashed$/, 'proposer'],
  ];
  return kinds.find(([re]) => re.test(reason))?.[1] ?? (`unexpected: ${reason}` as HaltKind);
}

/** The machine's snapshot in the model's terms. */
function asModel(snap: Snap): ModelState {
  const c = snap.context;
  const r = c.run;
  return {
    value: snap.value as ModelState['value'],
    started: c.session !== null,
    runsCompleted: c.runsCompleted,
    consecutiveFailures: c.consecutiveFailures,
    stop: c.stop === null ? null : c.stop.now ? 'now' : 'after-run',
    incumbent: c.incumbent?.runId ?? null,
    nextRunIndex: c.nextRunIndex,
    run: r && {
      runId: r.runId,
      kind: r.kind as ModelRun['kind'],
      asked: r.proposalAttempt,
      awaiting: r.awaitingProposal,
      fallback: r.fallback,
      fallbackAt: r.fallbackAt,
      attempt: r.attempt,
      running: r.started !== null,
      accepted: r.accepted !== null,
      finished: r.finished !== null,
      evaluated: r.evaluation !== null,
    },
    halt: haltKind(c.haltReason),
  };
}

// The paths come from an independent model (test/machines/loop-model.ts, written from the README and the
// design notes); the system under test is the real machine with inert actors, driven by the same events.
const paths = modelPaths();

describe('when the loop machine is driven through every shortest path of an independent model', () => {
  it('the model reaches every state of the loop, including done and each way to halt', () => {
    const reached = paths.map((p) => p.states.at(-1)!);
    for (const s of ['bootstrap', 'propose', 'validate', 'train', 'evaluate', 'journal', 'done', 'halted']) expect(reached.map((r) => r.value)).toContain(s);
    expect(new Set(reached.map((r) => r.halt).filter((h) => h !== null))).toEqual(new Set(['stop', 'baseline-failed', 'failures', 'rejections', 'proposer']));
    expect(reached.some((r) => r.run?.fallback)).toBe(true);
  });

  for (const path of paths) {
    it(`follows the model to ${path.states.at(-1)!.value} via ${path.events.map((e) => e.type).join(' > ') || 'start'}`, () => {
      const sut = createActor(machine).start();
      expect(asModel(sut.getSnapshot())).toEqual(path.states[0]);
      path.events.forEach((e, i) => {
        sut.send(toEvent(path.states[i]!, e));
        expect(
          asModel(sut.getSnapshot()),
          `after ${path.events
            .slice(0, i + 1)
            .map((x) => x.type)
            .join(' > ')}`,
        ).toEqual(path.states[i + 1]);
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
