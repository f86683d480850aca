import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../adapters/store/sqlite-store.js';
import { catalogueCodec } from '../../../events/catalogue.js';
import { SessionIndex } from '../../../inspector/server/sessions.js';
import { historyWorkspace } from '../../support/histories.js';

describe('the session index', () => {
  it('lists each LoopStarted, picks up a later session, and starts over on another log', async () => {
    const ws = await historyWorkspace('loop-2');
    const writer = openSqliteStore(join(ws, 'events.db'), catalogueCodec);
    const reader = openSqliteStore(join(ws, 'events.db'), catalogueCodec, { readonly: true });
    const index = new SessionIndex();
    try {
      const first = index.list(reader, reader.lastSeq());
      expect(first).toEqual([expect.objectContaining({ session: '0001', seq: 1, firstRunIndex: 1, runsRequested: 2 })]);

      const started = [...reader.readAll({ fromSeq: 1, toSeq: 1 })][0]!.event;
      if (started.type !== 'LoopStarted') throw new Error(`seq 1 is ${started.type}`);
      const at = new Date().toISOString();
      writer.append('session-0002', [{ ...started, data: { ...started.data, session: '0002', firstRunIndex: 3 }, metadata: { session: '0002', at } }], { expectedVersion: 'no_stream' });
      const both = index.list(reader, reader.lastSeq());
      expect(both.map((s) => [s.session, s.seq, s.firstRunIndex, s.at])).toEqual([
        ['0001', 1, 1, first[0]!.at],
        ['0002', 33, 3, at],
      ]);

      const other = await historyWorkspace('loop-3');
      const otherReader = openSqliteStore(join(other, 'events.db'), catalogueCodec, { readonly: true });
      try {
        expect(index.list(otherReader, otherReader.lastSeq()).map((s) => s.seq)).toEqual([1]);
      } finally {
        otherReader.close();
      }
    } finally {
      reader.close();
      writer.close();
    }
  });
});
