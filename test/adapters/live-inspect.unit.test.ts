import { createActor, type InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { isLiveFile, liveFile, mapInspection, type LiveRecord } from '../../adapters/live-inspect.js';
import { ev, inertLoop, intoTrain } from '../support/loop-harness.js';

const AT = new Date('2026-01-02T03:04:05.000Z');
const limits = { maxFailures: 3, maxConsecutiveFailures: 3, maxAttempts: 3 } as never;

/** A loop machine (inert actors) driven into `train`: every inspection event it emitted. */
function inspections(): InspectionEvent[] {
  const raw: InspectionEvent[] = [];
  const actor = createActor(inertLoop(), { inspect: (ie) => raw.push(ie) });
  actor.start();
  for (const e of intoTrain(limits)) actor.send(e);
  actor.stop();
  return raw;
}

/** `value` seen through proxies that note every property read (as a dotted path) into `reads`. */
function watched<T>(value: T, reads: string[], path = ''): T {
  if (value === null || typeof value !== 'object') return value;
  return new Proxy(value, {
    get(target, key, receiver) {
      const here = typeof key === 'string' ? (path ? `${path}.${key}` : key) : path;
      if (typeof key === 'string') reads.push(here);
      return watched(Reflect.get(target, key, receiver) as unknown, reads, here);
    },
  });
}

const mapped = (raw: InspectionEvent[]) => raw.map((ie) => mapInspection(ie, AT)).filter((r): r is LiveRecord => r !== null);

describe('mapInspection on a real loop actor', () => {
  it('keeps the events received, the microsteps taken and the actors started, the root told from its children', () => {
    const records = mapped(inspections());
    const root = records.filter((r) => 'root' in r && r.root);
    expect(root.filter((r) => r.kind === 'event').map((r) => r.kind === 'event' && [r.type, r.runId])).toEqual([
      ['xstate.init', undefined],
      ['LoopStarted', undefined],
      ['RunPlanned', '001'],
      ['ProposalAccepted', '001'],
    ]);
    expect(root.filter((r) => r.kind === 'microstep').map((r) => r.kind === 'microstep' && [r.event, r.value])).toEqual([
      ['LoopStarted', 'bootstrap'],
      ['RunPlanned', 'validate'],
      ['ProposalAccepted', 'train'],
      ['xstate.stop', 'train'],
    ]);
    const children = records.filter((r) => r.kind === 'actor' && !r.root);
    expect(children.map((r) => r.kind === 'actor' && r.src)).toEqual(['bootstrap', 'validate', 'train']);
    expect(records.filter((r) => r.kind === 'event' && !r.root).every((r) => r.kind === 'event' && r.type === 'xstate.init')).toBe(true);
    expect(new Set(records.map((r) => r.at))).toEqual(new Set([AT.toISOString()]));
  });

  it('reads no underscore field and no context, and keeps none of either', () => {
    const reads: string[] = [];
    const records = inspections().map((ie) => mapInspection(watched(ie, reads), AT));
    expect(reads.filter((r) => r.split('.').some((k) => k.startsWith('_') || k === 'context'))).toEqual([]);
    expect(reads.length).toBeGreaterThan(0);
    const text = JSON.stringify(records);
    expect(text).not.toMatch(/"_|"context"|"snapshot"/);
  });

  it('keeps no event data but the runId, so a secret in an event stays in the log', () => {
    const raw: InspectionEvent[] = [];
    const actor = createActor(inertLoop(), { inspect: (ie) => raw.push(ie) });
    actor.start();
    const [started] = intoTrain(limits);
    actor.send({ ...started!, data: { ...(started!.data as object), secret: 'hunter2' } } as never);
    actor.send(ev('RunPlanned', { runId: '001', index: 1, kind: 'baseline', mode: 'quick' }));
    actor.stop();
    const text = JSON.stringify(mapped(raw));
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('quick');
    expect(text).toContain('"runId":"001"');
  });

  it('carries no snapshot, transition or action event', () => {
    const raw = inspections();
    const skipped = new Set(raw.filter((ie) => mapInspection(ie, AT) === null).map((ie) => ie.type));
    const kept = new Set(raw.filter((ie) => mapInspection(ie, AT) !== null).map((ie) => ie.type));
    expect([...skipped].every((t) => ['@xstate.snapshot', '@xstate.transition', '@xstate.action'].includes(t))).toBe(true);
    expect(skipped.has('@xstate.snapshot')).toBe(true);
    expect([...kept].sort()).toEqual(['@xstate.actor', '@xstate.event', '@xstate.microstep']);
  });
});

describe('isLiveFile', () => {
  it("names a session's live stream under logs/, and nothing else", () => {
    expect(isLiveFile(liveFile('0001'))).toBe(true);
    expect(isLiveFile('logs/inspect-000123.ndjson')).toBe(true);
    for (const other of ['logs/inspect-0001.ndjson.bak', 'inspect-0001.ndjson', 'logs/sub/inspect-0001.ndjson', 'logs/inspect-x.ndjson', 'logs/train.log', 'xlogs/inspect-0001.ndjson'])
      expect(isLiveFile(other)).toBe(false);
  });
});
