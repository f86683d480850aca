import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { foldRows } from '../../projections/inspector/rows.js';
import { serializeRows } from '../../projections/inspector/rows-snapshot.js';
import { MACHINE_MIN_SPAN, MACHINE_SNAPSHOT, ROWS_SNAPSHOT, SnapshotTaker } from '../../projections/snapshots.js';
import { emptyView, evolveView } from '../../projections/view.js';
import { appendAll, syntheticEvents } from '../support/synthetic-log.js';
import type { AutopilotEvent } from '../../events/catalogue.js';
import type { StoredEvent } from '../../events/store.js';
import type { SqliteEventStore } from '../../adapters/store/sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'autopilot-snapshot-taker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Feeds every event of `events` (in a fresh store) to a taker that saves at every seq; calls `check` after each. */
function takeEverywhere(
  name: string,
  events: ReturnType<typeof syntheticEvents>,
  check: (seq: number, span: number, all: StoredEvent<AutopilotEvent>[], store: SqliteEventStore<AutopilotEvent>) => void,
): void {
  const store = appendAll(join(dir, `${name}.db`), events);
  try {
    const taker = new SnapshotTaker(store);
    const view = emptyView();
    const all = [...store.readAll()];
    for (const stored of all) {
      evolveView(view, stored);
      taker.observe(stored);
      taker.save(view);
      check(stored.seq, stored.seq - view.firstSeq.get(stored.event.metadata.session)!, all, store);
    }
  } finally {
    store.close();
  }
}

it('writes, at any point, the rows text of a fold from event 1, byte for byte, across session ends', () => {
  // Cut in the middle of the last run, and halted there: the halt marks that run interrupted without naming it.
  const whole = syntheticEvents(40, 8);
  const cut = whole.slice(0, whole.map((e) => e.type).lastIndexOf('RunStarted') + 1);
  const { metadata } = cut.at(-1)!;
  const events: AutopilotEvent[] = [...cut, { type: 'LoopHalted', data: { reason: 'stop requested', runsCompleted: 7 }, metadata }];
  expect(events.filter((e) => e.type === 'LoopHalted' || e.type === 'LoopCompleted').length).toBeGreaterThanOrEqual(4);
  takeEverywhere('short-sessions', events, (seq, span, all, store) => {
    expect(store.loadSnapshot(ROWS_SNAPSHOT, seq)?.body, `at ${seq}`).toBe(serializeRows(foldRows(all.slice(0, seq))));
    // Sessions this short get no machine snapshot.
    expect(store.loadSnapshot(MACHINE_SNAPSHOT, seq)).toBeNull();
  });
});

it('takes a machine snapshot only once its session began long enough before', () => {
  let machines = 0;
  takeEverywhere('long-session', syntheticEvents(160, 160), (seq, span, _all, store) => {
    const taken = store.loadSnapshot(MACHINE_SNAPSHOT, seq)?.seq === seq;
    expect(taken, `at ${seq}`).toBe(span >= MACHINE_MIN_SPAN);
    if (taken) machines++;
  });
  expect(machines).toBeGreaterThan(100);
});
