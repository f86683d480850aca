/** The committed loop-3 history as hand-fed stored events, for the plot tests. */
import { readFileSync } from 'node:fs';
import type { AutopilotEvent, DataOf } from '../../../events/catalogue.js';
import { historyFixture } from '../../support/histories.js';
import { LogBuilder } from '../support.js';

/** The committed loop-3 history (three evaluated runs, two incumbent changes), rebuilt as stored events. */
export function loop3(): LogBuilder {
  const log = new LogBuilder();
  for (const line of readFileSync(historyFixture('loop-3'), 'utf8').trim().split('\n')) {
    const row = JSON.parse(line) as { type: AutopilotEvent['type']; data: DataOf<AutopilotEvent['type']>; metadata: { session: string } };
    log.add(row.type, row.data, row.metadata.session);
  }
  return log;
}
