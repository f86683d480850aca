/**
 * The event a route's seq parameter names (`/api/at/:seq`, `/api/runs?at=N`), or the answer to a bad
 * one: a 400 for what is not a seq, naming the range, and a 404 past the end, with the log's last seq.
 */
import type { SqliteEventStore } from '../../adapters/store/sqlite-store.js';
import type { AutopilotEvent } from '../../events/catalogue.js';
import type { StoredEvent } from '../../events/store.js';
import type { LogSource } from './log-source.js';
import { apiError, wholeNumber } from './params.js';

/** The log and its event at the asked seq. */
export interface EventAt {
  store: SqliteEventStore<AutopilotEvent>;
  target: StoredEvent<AutopilotEvent>;
}

/** The event at seq `asked` (the parameter's text, called `name` in the error), or the error answer. */
export function eventAt(source: LogSource, asked: string, name: string): EventAt | Response {
  const store = source.current();
  const lastSeq = store?.lastSeq() ?? 0;
  const seq = wholeNumber(asked);
  if (seq === null || seq < 1) return apiError(400, `${name} ${JSON.stringify(asked.slice(0, 40))} is not one: give a whole number from 1 to ${lastSeq}`);
  const [target] = store && seq <= lastSeq ? store.readAll({ fromSeq: seq, toSeq: seq }) : [];
  if (!store || !target) return apiError(404, `seq ${seq} is past the end of the log: its last seq is ${lastSeq}`, { lastSeq });
  return { store, target };
}
