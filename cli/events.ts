/** `autopilot events`: the log, one line per event (or JSON lines). */
import { EVENT_TYPES, isCatalogueType } from '../events/catalogue.js';
import { printLine, printText } from '../orchestrator/console.js';
import { describeEvent, eventJson } from '../orchestrator/output.js';
import { utc } from '../projections/render.js';
import { openReader } from './open-store.js';
import type { CliIo } from './io.js';
import { EXIT, prefixed, UsageError } from '../domain/errors.js';

/** Runs `events`; returns the exit code. */
export function eventsCommand(o: { workspace: string; json?: boolean; type?: string; run?: string; from?: number; limit?: number }, io: CliIo): number {
  if (o.type !== undefined && !isCatalogueType(o.type)) throw new UsageError(`--type ${o.type} is not an event type`, { key: '--type', hint: `the types are: ${EVENT_TYPES.join(', ')}` });
  const { store } = openReader(o.workspace);
  if (!store) {
    printText(prefixed('no events yet (run autopilot loop first)'), io.err);
    return EXIT.ok;
  }
  try {
    let printed = 0;
    for (const stored of store.readAll(o.from ? { fromSeq: o.from } : {})) {
      if (o.type && stored.event.type !== o.type) continue;
      if (o.run && stored.streamId !== `run-${o.run}`) continue;
      if (o.limit !== undefined && printed >= o.limit) break;
      printed++;
      if (o.json) {
        io.out.write(`${eventJson(stored)}\n`);
        continue;
      }
      const e = stored.event;
      const detail = e.type === 'StateEntered' ? `${e.data.from ?? '(start)'} -> ${e.data.to} on ${e.data.event}` : (describeEvent(e) ?? JSON.stringify(e.data).slice(0, 160));
      printLine(`${String(stored.seq).padStart(6)}  ${utc(e.metadata.at)}  ${stored.streamId.padEnd(13)} ${e.type.padEnd(18)} ${detail}`, io.out);
    }
    return EXIT.ok;
  } finally {
    store.close();
  }
}
