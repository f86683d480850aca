import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initialTransition, transition } from 'xstate';
import { afterAll, describe, expect, it } from 'vitest';
import { loopMachine } from '../../machines/loop.machine.js';
import { foldSession } from '../../orchestrator/restore.js';
import { appendAll, syntheticEvents } from '../support/synthetic-log.js';

describe('when a session is folded through the machine for a restore or a replay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'autopilot-restore-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Sessions of 20 runs with every rare path: rejections, proposer failures, retries, reattaches, stops, halts.
  const events = syntheticEvents(160);
  const store = appendAll(join(dir, 'events.db'), events);
  afterAll(() => store.close());

  it('reaches the snapshot that XState transition reaches event by event, at every point of every session', () => {
    const firstSeq = new Map<string, number>();
    events.forEach((e, i) => firstSeq.has(e.metadata.session) || firstSeq.set(e.metadata.session, i + 1));
    const reference = new Map<string, ReturnType<typeof initialTransition<typeof loopMachine>>[0]>();
    let compared = 0;
    for (const [i, e] of events.entries()) {
      const session = e.metadata.session;
      const before = reference.get(session) ?? initialTransition(loopMachine)[0];
      reference.set(session, transition(loopMachine, before, e)[0]);
      const seq = i + 1;
      // Every 7th event and every session's last: a fold from the session's start to there.
      const last = i + 1 === events.length || events[i + 1]!.metadata.session !== session;
      if (seq % 7 !== 0 && !last) continue;
      const fast = foldSession(loopMachine, store, session, firstSeq.get(session)!, seq);
      const ref = reference.get(session)!;
      expect([fast.value, fast.status], `seq ${seq}`).toEqual([ref.value, ref.status]);
      expect(fast.context, `seq ${seq}`).toEqual(ref.context);
      compared++;
    }
    expect(compared).toBeGreaterThan(300);
  });
});
