/** Hand-made stored events for the projection tests: a tiny log builder with seqs, streams and times. */
import { streamOf, type AutopilotEvent, type DataOf, type EventOf } from '../../events/catalogue.js';
import type { EventStore, StoredEvent } from '../../events/store.js';

/** Appends events to an in-memory log, one second apart from 2026-01-01T00:00:00Z. */
export class LogBuilder {
  readonly events: StoredEvent<AutopilotEvent>[] = [];
  session = '0001';

  /** Appends one event of this session (or `session`) and returns its seq. */
  add<T extends AutopilotEvent['type']>(type: T, data: DataOf<T>, session = this.session): number {
    const seq = this.events.length + 1;
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString();
    const event = { type, data, metadata: { session, at } } as EventOf<T>;
    this.events.push({
      seq,
      streamId: streamOf(event),
      streamPosition: 1 + this.events.filter((e) => e.streamId === streamOf(event)).length,
      schemaVersion: 1,
      createdAt: at,
      prevHash: '0',
      hash: String(seq),
      event,
    });
    return seq;
  }

  /** A read-only store over the events (enough for `foldSession`). */
  store(): EventStore<AutopilotEvent> {
    const events = this.events;
    return {
      readAll: ({ fromSeq = 1, toSeq = Number.POSITIVE_INFINITY } = {}) => events.filter((e) => e.seq >= fromSeq && e.seq <= toSeq)[Symbol.iterator](),
      lastSeq: () => events.length,
      append: () => {
        throw new Error('read-only');
      },
      readStream: (id) => events.filter((e) => e.streamId === id),
      streamVersion: (id) => events.filter((e) => e.streamId === id).length,
      close: () => undefined,
    };
  }
}

/** Events as the store would return them, in order, each stream numbered from 1 (no hash chain). */
export function asStored(events: readonly AutopilotEvent[]): StoredEvent<AutopilotEvent>[] {
  const versions = new Map<string, number>();
  return events.map((event, i) => {
    const streamId = streamOf(event);
    const streamPosition = (versions.get(streamId) ?? 0) + 1;
    versions.set(streamId, streamPosition);
    return { seq: i + 1, streamId, streamPosition, schemaVersion: 1, createdAt: event.metadata.at, prevHash: '', hash: '', event };
  });
}

export const limits = { maxProposalAttempts: 3, maxRunAttempts: 2, maxConsecutiveFailures: 3 };
export const metric = { name: 'mean_reward', direction: 'maximize' as const };
export const rangeError = {
  key: 'train.learning_rate',
  value: 5,
  expected: 'number in [1e-5, 0.1]',
  rule: 'range',
  message: 'train.learning_rate = 5 is outside [1e-5, 0.1]',
};

/** LoopStarted for a fresh workspace. */
export function loopStarted(session = '0001', runsRequested = 2): DataOf<'LoopStarted'> {
  return { session, runsRequested, mode: 'quick', proposer: 'random', firstRunIndex: 1, incumbent: null, limits, metric, pid: 42 };
}

/** A launch of `runId`. */
export function runStarted(runId: string, attempt: number, pid: number): DataOf<'RunStarted'> {
  return {
    runId,
    attempt,
    launcher: 'local',
    argv: ['bash', 'scripts/run_training.sh', 'it has spaces'],
    cwd: '/ws',
    pid,
    pidStartTime: '100',
    seed: 7,
    logPath: `/ws/logs/${runId}.log`,
    exitFile: null,
    logOffset: 0,
  };
}

/** A clean run: the baseline 001, journaled and made the incumbent. Returns the seqs by type. */
export function baselineRun(log: LogBuilder): Record<string, number> {
  const s: Record<string, number> = {};
  s.planned = log.add('RunPlanned', { runId: '001', index: 1, kind: 'baseline', mode: 'quick' });
  log.add('StateEntered', { from: 'bootstrap', to: 'validate', event: 'RunPlanned' });
  s.accepted = log.add('ProposalAccepted', {
    runId: '001',
    attempt: 0,
    proposer: 'baseline',
    base: 'baseline',
    config: { train: { learning_rate: 0.001 } },
    override: {},
    diff: [],
    normalizations: [],
    rationale: 'baseline config, unchanged',
    hypothesis: 'the baseline sets the reference',
  });
  log.add('StateEntered', { from: 'validate', to: 'train', event: 'ProposalAccepted' });
  s.started = log.add('RunStarted', runStarted('001', 1, 1001));
  s.finished = log.add('RunFinished', {
    runId: '001',
    attempt: 1,
    exitCode: 0,
    durationMs: 1500,
    summarySource: 'summary',
    metrics: { mean_reward: 100 },
    samples: { mean_reward: [90, 110] },
  });
  log.add('StateEntered', { from: 'train', to: 'evaluate', event: 'RunFinished' });
  s.evaluated = log.add('RunEvaluated', {
    runId: '001',
    metric: 'mean_reward',
    direction: 'maximize',
    verdict: 'baseline',
    method: 'difference of means',
    candidate: { mean: 100, n: 2 },
    incumbent: null,
    delta: null,
    seed: null,
  });
  log.add('StateEntered', { from: 'evaluate', to: 'journal', event: 'RunEvaluated' });
  s.incumbent = log.add('IncumbentChanged', {
    runId: '001',
    previous: null,
    incumbent: { runId: '001', metric: 'mean_reward', mean: 100, n: 2, sample: [90, 110], override: {} },
  });
  s.journal = log.add('JournalWritten', {
    runId: '001',
    status: 'completed',
    action: 'run 001 (baseline): config unchanged',
    observation: 'mean_reward 100 (n=2)',
    outcome: 'baseline -> incumbent',
    next: 'propose run 002',
  });
  log.add('StateEntered', { from: 'journal', to: 'propose', event: 'JournalWritten' });
  return s;
}

/** A log whose run 002 has one violation by its proposer of `n` created paths (`junk/f000`, …), reverted. */
export function manyPathsViolation(n: number): LogBuilder {
  const log = new LogBuilder();
  log.add('LoopStarted', loopStarted());
  baselineRun(log);
  log.add('RunPlanned', { runId: '002', index: 2, kind: 'proposal', mode: 'quick' });
  const paths = Array.from({ length: n }, (_, i) => ({ path: `junk/f${String(i).padStart(3, '0')}`, change: 'created' as const, restored: true }));
  log.add('GuardrailViolation', { runId: '002', attempt: 1, proposer: 'command', source: 'proposer', paths, action: 'reverted' });
  return log;
}
