/** The inspector's tail of the loop's live machine stream, and its relay as `machine` messages on /api/stream. */
import { appendFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { liveFile } from '../../../adapters/live-inspect.js';
import { workspacePaths } from '../../../adapters/workspace.js';
import { createInspectorApp, type InspectorApp } from '../../../inspector/server/app.js';
import { openLiveTail } from '../../../inspector/server/live.js';
import { decoys, loop } from '../../support/hostile.js';
import { logSeqs, readSse } from '../../support/sse.js';
import { copyShippedWorkspace, fakeTrainerWorkspace } from '../../support/workspace.js';

const decoy = decoys();
const opened: InspectorApp[] = [];
afterEach(() => opened.splice(0).forEach((i) => i.close()));
afterAll(() => rmSync(decoy.dir, { recursive: true, force: true }));

const line = (r: object) => `${JSON.stringify(r)}\n`;
const micro = (value: string, event: string) => ({ root: true, actor: 'x:0', at: '2026-01-01T00:00:00.000Z', kind: 'microstep', value, event });

describe("the tail of the log's latest session's live stream", () => {
  it('starts at the end, reads complete lines only, drops what is not a record, and follows a new session from its start', () => {
    const ws = copyShippedWorkspace();
    const file = join(ws, liveFile('0001'));
    writeFileSync(file, line(micro('bootstrap', 'LoopStarted')));
    let session = '0001';
    const tail = openLiveTail(workspacePaths(ws), () => session, 150);
    // Reads of 150 bytes: a record fits, the 200-byte junk line below does not.
    const drain = () => Array.from({ length: 8 }, () => tail.next()).flat();
    expect(drain()).toEqual([]);
    appendFileSync(file, line(micro('validate', 'RunPlanned')) + 'not json\n' + line({ kind: 'other' }) + '[1]\n' + '{"kind":"event"');
    expect(drain().map((l) => JSON.parse(l) as unknown)).toEqual([micro('validate', 'RunPlanned')]);
    appendFileSync(file, ',"type":"RunStarted"}\n');
    expect(drain()).toEqual(['{"kind":"event","type":"RunStarted"}']);
    // A line longer than a read and with no end is skipped, not waited on forever.
    appendFileSync(file, 'x'.repeat(200) + '\n' + line({ kind: 'capped' }));
    expect(drain()).toEqual([JSON.stringify({ kind: 'capped' })]);
    // A file of a session the log does not name (planted by an agent) is not followed.
    writeFileSync(join(ws, liveFile('0002')), line(micro('bootstrap', 'LoopStarted')));
    writeFileSync(join(ws, liveFile('999999')), line(micro('planted', 'Planted')));
    expect(drain()).toEqual([]);
    session = '0002';
    expect(tail.next()).toEqual([JSON.stringify(micro('bootstrap', 'LoopStarted'))]);
  });

  it('follows nothing before the log has a session', () => {
    const ws = copyShippedWorkspace();
    writeFileSync(join(ws, liveFile('0001')), line(micro('bootstrap', 'LoopStarted')));
    const tail = openLiveTail(workspacePaths(ws), () => null);
    appendFileSync(join(ws, liveFile('0001')), line(micro('validate', 'RunPlanned')));
    expect([tail.next(), tail.next()].flat()).toEqual([]);
  });

  it('reads nothing through a symlink at the path or at logs/', () => {
    const ws = copyShippedWorkspace();
    writeFileSync(decoy.file, line(micro('decoy', 'Decoy')) + decoy.text);
    try {
      const tail = openLiveTail(workspacePaths(ws), () => '0001');
      tail.next();
      symlinkSync(decoy.file, join(ws, liveFile('0001')));
      expect(tail.next()).toEqual([]);
      rmSync(join(ws, 'logs'), { recursive: true });
      writeFileSync(join(decoy.folder, 'inspect-0009.ndjson'), line(micro('decoy', 'Decoy')));
      symlinkSync(decoy.folder, join(ws, 'logs'));
      expect(tail.next()).toEqual([]);
    } finally {
      writeFileSync(decoy.file, decoy.text);
      rmSync(join(decoy.folder, 'inspect-0009.ndjson'));
    }
  });
});

describe('GET /api/stream while a loop runs', () => {
  it('relays the loop’s machine records as `machine` messages, ids `<last log seq>:<k>`, beside the log', async () => {
    const ws = fakeTrainerWorkspace();
    const inspector = createInspectorApp({ workspace: ws, allowedHosts: null, timing: { pollMs: 20, heartbeatMs: 60_000 } });
    opened.push(inspector);
    const machine = <M extends { event?: string }>(m: M[]) => m.filter((x) => x.event === 'machine');
    const reading = readSse((await inspector.app.request('http://localhost/api/stream')).body!, (m) => machine(m).some((x) => (JSON.parse(x.data!) as { value?: unknown }).value === 'done'));
    const ran = await loop(ws, ['--runs', '1']);
    expect(ran.exitCode).toBe(0);
    const messages = await reading;
    const records = machine(messages).map((m) => JSON.parse(m.data!) as { kind: string; value?: unknown; root?: boolean });
    const values = records.filter((r) => r.kind === 'microstep' && r.root).map((r) => r.value);
    expect(values.slice(0, 3)).toEqual(['bootstrap', 'validate', 'train']);
    expect(values.at(-1)).toBe('done');
    // Each id names the last log seq sent before it, and k counts the machine messages.
    let last = 0;
    let k = 0;
    for (const m of messages) {
      if (m.event === 'log') last = Number(m.id);
      if (m.event === 'machine') expect(m.id).toBe(`${last}:${++k}`);
    }
    expect(logSeqs(messages)).toEqual(Array.from({ length: logSeqs(messages).length }, (_, i) => i + 1));
  });
});
