import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, type EventObject } from 'xstate';
import { makeEvent } from '../../adapters/actors/deps.js';
import { createRecorder, machineDelivery, reporter, storeAppender } from '../../adapters/recorder.js';
import { catalogueCodec, streamOf, type AutopilotEvent } from '../../events/catalogue.js';
import type { StoredEvent } from '../../events/store.js';
import { openSqliteStore } from '../../adapters/store/sqlite-store.js';
import { loopMachine } from '../../machines/loop.machine.js';
import { memoryRecorder } from '../support/memory-recorder.js';

const at = new Date('2026-01-01T00:00:00.000Z');
const stop = (reason: string) => makeEvent('StopRequested', { reason, now: false }, '0001', at);
/** The reason of a stop request, the type of any other event. */
const reasonOf = (e: AutopilotEvent) => (e.type === 'StopRequested' ? e.data.reason : e.type);

describe('the recorder', () => {
  it('appends, then projects the stored event, then delivers it', () => {
    const steps: string[] = [];
    const recorder = createRecorder({
      append: (event) => {
        steps.push(`append ${reasonOf(event)}`);
        return { seq: steps.length, streamId: 's', streamPosition: 1, schemaVersion: 1, createdAt: '', prevHash: '', hash: 'h', event };
      },
      project: (stored) => steps.push(`project ${stored.seq}`),
      deliver: (event) => steps.push(`deliver ${reasonOf(event)}`),
    });
    recorder.record(stop('a'));
    recorder.record(stop('b'));
    expect(steps).toEqual(['append a', 'project 1', 'deliver a', 'append b', 'project 4', 'deliver b']);
  });

  it('projects each event exactly as the store holds it, without reading it back', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'recorder-')), 'events.db');
    const store = openSqliteStore(file, catalogueCodec);
    const projected: StoredEvent<AutopilotEvent>[] = [];
    const recorder = createRecorder({ append: storeAppender(store), project: (s) => projected.push(s), deliver: () => undefined });
    const started = makeEvent('LoopResumed', { session: '0001', pid: 1, state: 'train' }, '0001', at);
    for (const event of [stop('first'), started, stop('second')]) recorder.record(event);
    const read = [...store.readAll()];
    store.close();
    expect(projected.map((s) => s.seq)).toEqual([1, 2, 3]);
    expect(projected).toStrictEqual(read);
  });

  it('delivers nothing and projects nothing when the append fails, and keeps what was recorded before', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'recorder-')), 'events.db');
    const store = openSqliteStore(file, catalogueCodec);
    const delivered: AutopilotEvent[] = [];
    const projected: number[] = [];
    const recorder = createRecorder({ append: storeAppender(store), project: (s) => projected.push(s.seq), deliver: (e) => delivered.push(e) });
    recorder.record(stop('first'));
    recorder.record(stop('second'));
    // Another writer appends to the same stream: the recorder's expected version is stale, so its next append is refused.
    const other = openSqliteStore(file, catalogueCodec);
    const intruder = stop('other writer');
    other.append(streamOf(intruder), [intruder], { expectedVersion: other.streamVersion(streamOf(intruder)) });
    other.close();
    expect(() => recorder.record(stop('third'))).toThrow();
    expect(delivered.map(reasonOf)).toEqual(['first', 'second']);
    expect(projected).toEqual([1, 2]);
    const kept = [...store.readAll()].map((s) => reasonOf(s.event));
    store.close();
    expect(kept).toEqual(['first', 'second', 'other writer']);
  });
});

describe('an actor reporting through the recorder', () => {
  it('records what it reports while it runs, and nothing once it is stopped', () => {
    const recorder = memoryRecorder();
    let later: (() => void) | null = null;
    const logic = fromCallback<EventObject, { reason: string }>(({ input, self }) => {
      const record = reporter(recorder, self);
      record(stop(input.reason));
      later = () => record(stop('after the stop'));
    });
    const actor = createActor(logic, { input: { reason: 'while running' } }).start();
    actor.stop();
    later!();
    expect(recorder.events.map(reasonOf)).toEqual(['while running']);
  });
});

describe('delivery to the machine', () => {
  it('hands on only events some state handles, and only once attached to an active actor', () => {
    const sent: string[] = [];
    const delivery = machineDelivery(loopMachine.events);
    const started = makeEvent('LoopResumed', { session: '0001', pid: 1, state: 'train' }, '0001', at);
    delivery.deliver(stop('before attach'));
    let status = 'active';
    delivery.attach({ send: (e) => sent.push(e.type), getSnapshot: () => ({ status }), on: () => undefined });
    delivery.deliver(started);
    delivery.deliver(stop('handled'));
    status = 'done';
    delivery.deliver(stop('after the end'));
    expect(sent).toEqual(['StopRequested']);
    expect(loopMachine.events).not.toContain('LoopResumed');
  });
});
