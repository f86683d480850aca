/** A committed fixture history (test/fixtures/histories/<name>.jsonl) read as stored events, decoded by the catalogue, with no workspace. */
import { readFileSync } from 'node:fs';
import { catalogueCodec, type AutopilotEvent } from '../../events/catalogue.js';
import type { StoredEvent } from '../../events/store.js';
import { historyFixture, type HistoryName } from './histories.js';

/** The fixture's rows (as `autopilot export` wrote them), each decoded and validated as the store would on read. */
export function historyEvents(name: HistoryName): StoredEvent<AutopilotEvent>[] {
  return readFileSync(historyFixture(name), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const row = JSON.parse(line) as Omit<StoredEvent, 'event'> & { type: string; data: unknown; metadata: unknown };
      const { type, data, metadata, ...stored } = row;
      return { ...stored, event: catalogueCodec.decode({ type, data, metadata, schemaVersion: row.schemaVersion }) };
    });
}
