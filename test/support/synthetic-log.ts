/** The benchmark's synthetic history, appended to a real event store (for tests over long logs). */
import { join } from 'node:path';
import { appendInStreams, syntheticHistory } from '../../bench/synthetic-history.js';
import { catalogueCodec, type AutopilotEvent } from '../../events/catalogue.js';
import { openSqliteStore, type SqliteEventStore } from '../../adapters/store/sqlite-store.js';
import { loadBaseline, loadPolicy, loadSettings, workspacePaths } from '../../adapters/workspace.js';
import { ROOT } from './workspace.js';

/** The events of a synthetic history of `runs` runs (seeded, valid against the catalogue and the machine). */
export function syntheticEvents(runs: number, runsPerSession = 20, seed = 11): AutopilotEvent[] {
  const paths = workspacePaths(join(ROOT, 'autopilot'));
  return [
    ...syntheticHistory({
      runs,
      runsPerSession,
      seed,
      workspace: '/tmp/bench/autopilot',
      policy: loadPolicy(paths),
      baselines: { quick: loadBaseline(paths, 'quick'), full: loadBaseline(paths, 'full') },
      trainerCommand: loadSettings(paths).trainer.command,
    }),
  ].flatMap((b) => b.events);
}

/** Appends `events` to the store at `path` (created if missing) in one transaction; returns the open store. */
export function appendAll(path: string, events: AutopilotEvent[]): SqliteEventStore<AutopilotEvent> {
  const store = openSqliteStore(path, catalogueCodec);
  store.db.transaction(() => appendInStreams(store, events, new Map()))();
  return store;
}
