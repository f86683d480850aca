import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogueCodec, type AutopilotEvent } from '../../events/catalogue.js';
import type { EventStore } from '../../events/store.js';
import { openSqliteStore } from '../../adapters/store/sqlite-store.js';
import { workspacePaths } from '../../adapters/workspace.js';
import { auditRun } from '../../projections/audit/fold.js';
import { auditRunFromStreams } from '../../orchestrator/audit-streams.js';
import { historyWorkspace, type HistoryName } from '../support/histories.js';
import { appendAll, syntheticEvents } from '../support/synthetic-log.js';

const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

/** Every run the log plans (in log order, once each). */
function runIdsOf(store: EventStore<AutopilotEvent>): string[] {
  const ids = new Set<string>();
  for (const { event: e } of store.readAll()) if (e.type === 'RunPlanned') ids.add(e.data.runId);
  return [...ids];
}

/**
 * A synthetic history with session events inside open runs (a stop request and a resumption after
 * every 7th launch), which the audit shows among the run's steps: they come from the session's stream.
 */
function withSessionSteps(events: AutopilotEvent[]): AutopilotEvent[] {
  let launches = 0;
  return events.flatMap((e): AutopilotEvent[] => {
    if (e.type !== 'RunStarted' || ++launches % 7 !== 0) return [e];
    const { metadata } = e;
    return [e, { type: 'StopRequested', data: { reason: 'test', now: false }, metadata }, { type: 'LoopResumed', data: { session: metadata.session, pid: 4242, state: 'train' }, metadata }];
  });
}

/** The audit from the two streams is the audit from the whole log, for every run, and for a run the log does not hold. */
function expectSameAudits(store: EventStore<AutopilotEvent>, minRuns: number): number {
  const ids = runIdsOf(store);
  expect(ids.length).toBeGreaterThanOrEqual(minRuns);
  let sessionSteps = 0;
  for (const id of [...ids, '999999']) {
    const found = auditRunFromStreams(store, id);
    expect(found, `run ${id}`).toEqual(auditRun(store.readAll(), id));
    if (found.found) sessionSteps += found.audit.steps.filter((s) => s.stream.startsWith('session-')).length;
  }
  return sessionSteps;
}

describe('the audit of a run read from its run and session streams', () => {
  for (const name of ['loop-2', 'loop-3'] satisfies HistoryName[])
    it(`is the audit from the whole log for every run of the committed history ${name}`, async () => {
      const ws = await historyWorkspace(name);
      cleanup.push(dirname(ws));
      const store = openSqliteStore(workspacePaths(ws).events, catalogueCodec, { readonly: true });
      try {
        expectSameAudits(store, 2);
      } finally {
        store.close();
      }
    });

  it('is the audit from the whole log for every run of a synthetic history of several sessions, with session steps inside runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'autopilot-audit-streams-'));
    cleanup.push(dir);
    const events = withSessionSteps(syntheticEvents(90, 20));
    expect(new Set(events.map((e) => e.metadata.session)).size).toBeGreaterThanOrEqual(4);
    const store = appendAll(join(dir, 'events.db'), events);
    try {
      // 12 launches of the 90 (at least) each see a stop request and a resumption of their session.
      expect(expectSameAudits(store, 90)).toBeGreaterThanOrEqual(24);
    } finally {
      store.close();
    }
  });
});
