/** What the inspector's route tests share: an app on an imported history, the CLI's output to hold it equal to, and a read of the log. */
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openSqliteStore, type SqliteEventStore } from '../../adapters/store/sqlite-store.js';
import { catalogueCodec, type AutopilotEvent } from '../../events/catalogue.js';
import { createInspectorApp, type InspectorApp } from '../../inspector/server/app.js';
import { runInProcess } from './cli-in-process.js';
import { historyWorkspace, type HistoryName } from './histories.js';

/**
 * What `autopilot ARGS --workspace WS` prints, its final newline kept; thrown when it fails. Run in
 * this process (test/cli/in-process.int.test.ts holds that output byte-equal to the spawned CLI's),
 * since the tests compare many seqs and a spawn costs about a second on this machine.
 */
export async function cliOut(ws: string, ...args: string[]): Promise<string> {
  const r = await runInProcess([...args, '--workspace', ws]);
  if (r.code !== 0) throw new Error(`autopilot ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** `read` of the workspace's log, through a read-only connection of its own. */
export function fromLog<T>(ws: string, read: (store: SqliteEventStore<AutopilotEvent>) => T): T {
  const store = openSqliteStore(join(ws, 'events.db'), catalogueCodec, { readonly: true });
  try {
    return read(store);
  } finally {
    store.close();
  }
}

/** An inspector app on a workspace holding a history, and a GET through it. */
export interface InspectedHistory {
  ws: string;
  inspector: InspectorApp;
  get: (path: string, headers?: Record<string, string>) => Promise<Response>;
}

/** An inspector app on a fresh workspace holding history `name`, made before the file's tests and closed after them (fields set once they start). */
export function useInspectedHistory(name: HistoryName): InspectedHistory {
  const h = {} as InspectedHistory;
  beforeAll(async () => {
    const ws = await historyWorkspace(name);
    const inspector = createInspectorApp({ workspace: ws, allowedHosts: null });
    Object.assign(h, { ws, inspector, get: async (path: string, headers: Record<string, string> = {}) => inspector.app.request(`http://localhost${path}`, { headers }) });
  });
  afterAll(() => h.inspector?.close());
  return h;
}

/** Each path's status and error line, for a table of bad requests. */
export async function errorsOf(get: (path: string) => Promise<Response>, paths: readonly string[]): Promise<[string, number, string][]> {
  const out: [string, number, string][] = [];
  for (const path of paths) {
    const r = await get(path);
    out.push([path, r.status, ((await r.json()) as { error: string }).error]);
  }
  return out;
}
