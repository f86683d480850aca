/**
 * The static export on an imported history (loop-3): the server's answers embedded, escaped so a
 * hostile string cannot end their script element, within the size cap, and written without ever
 * following a link planted at DIR or at the file.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../adapters/store/sqlite-store.js';
import { isAutopilotError } from '../../domain/errors.js';
import { catalogueCodec, type AutopilotEvent } from '../../events/catalogue.js';
import type { EmbeddedExport, MetaResponse, RunsResponse } from '../../inspector/api.js';
import { exportInspector, EXPORT_FILE } from '../../inspector/export.js';
import { createInspectorApp } from '../../inspector/server/app.js';
import { historyWorkspace } from '../support/histories.js';
import { fakeTrainerWorkspace } from '../support/workspace.js';

const HOSTILE = '</script><script>globalThis.pwned=1</script><!-- <script> </SCRIPT \u2028 & done';
const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** The `#ap-data` element's JSON text and its data. */
function dataOf(html: string): { text: string; data: EmbeddedExport } {
  const m = /<script type="application\/json" id="ap-data">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no #ap-data element in the export');
  return { text: m[1]!, data: JSON.parse(m[1]!) as EmbeddedExport };
}

async function serverJson(ws: string, path: string): Promise<unknown> {
  const inspector = createInspectorApp({ workspace: ws, allowedHosts: null });
  try {
    return await (await inspector.app.request(path)).json();
  } finally {
    inspector.close();
  }
}

let ws: string;
beforeAll(async () => {
  ws = await historyWorkspace('loop-3');
});

describe('autopilot inspect --export (inspector/export.ts)', () => {
  it('embeds the answers the server gives, for every run and every seq of a small log, in one file that refers to no other', async () => {
    const dir = join(temp('export-'), 'out', 'report');
    const done = await exportInspector({ workspace: ws, dir });
    expect(done.path).toBe(join(dir, EXPORT_FILE));
    expect(readdirSync(dir)).toEqual([EXPORT_FILE]);
    const html = readFileSync(done.path, 'utf8');
    expect(done.bytes).toBe(Buffer.byteLength(html));
    const { data } = dataOf(html);
    expect(done.omitted).toEqual([]);
    expect(data.omitted).toEqual([]);
    const meta = (await serverJson(ws, '/api/meta')) as MetaResponse;
    const runs = (await serverJson(ws, '/api/runs')) as RunsResponse;
    expect(data.answers['api/meta']).toEqual({ status: 200, json: meta });
    expect(data.answers['api/runs']).toEqual({ status: 200, json: runs });
    expect(runs.rows.map((r) => r.id)).toEqual(['001', '002', '003']);
    for (const id of ['001', '002', '003']) {
      expect(data.answers[`api/runs/${id}/audit`]).toEqual({ status: 200, json: await serverJson(ws, `/api/runs/${id}/audit`) });
      expect(data.answers[`api/runs/${id}/curve`]).toEqual({ status: 200, json: await serverJson(ws, `/api/runs/${id}/curve`) });
    }
    const at = Object.keys(data.answers).filter((k) => k.startsWith('api/at/'));
    expect(at).toEqual(Array.from({ length: meta.lastSeq }, (_, i) => `api/at/${i + 1}`));
    expect(data.answers['api/at/17']).toEqual({ status: 200, json: await serverJson(ws, '/api/at/17') });
    expect(data.tail).toBe(`api/events?from=1&limit=200`);
    expect((data.answers[data.tail!] as { json: { events: unknown[] } }).json.events).toHaveLength(meta.lastSeq);
    // One file: the module script and the style inline, the policy forbidding any request.
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
    expect(html).not.toMatch(/\s(?:src|href)="(?!data:)/);
    expect(html.match(/<script\b/g)).toHaveLength(2);
  });

  it('escapes a hostile rationale and labbook so that no string can end or open a script element, and reads them back intact', async () => {
    const hostile = await historyWorkspace('loop-3');
    writeFileSync(join(hostile, 'journal', 'labbook.md'), `# labbook\n${HOSTILE}\n`);
    const store = openSqliteStore(join(hostile, 'events.db'), catalogueCodec);
    try {
      const event: AutopilotEvent = {
        type: 'ProposalReceived',
        data: { runId: '003', attempt: 1, proposer: 'builtin', seed: null, overrides: {}, rationale: HOSTILE, hypothesis: HOSTILE },
        metadata: { session: '0001', at: new Date().toISOString() },
      };
      store.append('run-003', [event], { expectedVersion: 'any' });
    } finally {
      store.close();
    }
    const done = await exportInspector({ workspace: hostile, dir: temp('export-hostile-') });
    const html = readFileSync(done.path, 'utf8');
    // The only script ends are the two elements' own; nothing in the data opens a comment or a script.
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    const { text, data } = dataOf(html);
    expect(text).not.toMatch(/<|>|&|\u2028/);
    expect(JSON.stringify(data)).toContain(JSON.stringify(HOSTILE).slice(1, -1));
    expect((data.answers['api/labbook'] as { json: { labbook: string } }).json.labbook).toBe(`# labbook\n${HOSTILE}\n`);
    const events = (data.answers[data.tail!] as { json: { events: { type: string; data: { rationale?: string } }[] } }).json.events;
    expect(events.at(-1)?.data.rationale).toBe(HOSTILE);
  });

  it('keeps the data within its byte cap and says what it left out', async () => {
    const whole = dataOf(readFileSync((await exportInspector({ workspace: ws, dir: temp('export-whole-') })).path, 'utf8')).text.length;
    const maxBytes = Math.floor(whole / 3);
    const done = await exportInspector({ workspace: ws, dir: temp('export-cap-'), limits: { maxBytes } });
    const { text, data } = dataOf(readFileSync(done.path, 'utf8'));
    expect(text.length).toBeLessThanOrEqual(maxBytes);
    expect(data.answers['api/meta']).toBeDefined();
    expect(data.answers['api/runs']).toBeDefined();
    expect(done.omitted).toHaveLength(1);
    expect(done.omitted[0]).toMatch(new RegExp(`^\\d+ answers from the ${maxBytes} byte cap on, such as api/`));
    expect(data.omitted).toEqual(done.omitted);
  });

  it('samples time travel on a log past the every-seq bound (the last seqs and the boundaries), and stops at its time budget', async () => {
    const done = await exportInspector({ workspace: ws, dir: temp('export-sample-'), limits: { everySeqMax: 10, lastSeqs: 5, maxSeqs: 8 } });
    const { data } = dataOf(readFileSync(done.path, 'utf8'));
    const lastSeq = (data.answers['api/meta'] as { json: MetaResponse }).json.lastSeq;
    const events = (data.answers[data.tail!] as { json: { events: { seq: number; type: string }[] } }).json.events;
    const boundaries = events.filter((e) => ['LoopStarted', 'RunPlanned', 'JournalWritten', 'LoopHalted', 'LoopCompleted'].includes(e.type)).map((e) => e.seq);
    const earlier = boundaries.filter((s) => s <= lastSeq - 5);
    const at = Object.keys(data.answers)
      .filter((k) => k.startsWith('api/at/'))
      .map((k) => Number(k.slice('api/at/'.length)));
    expect(at).toEqual([lastSeq, lastSeq - 1, lastSeq - 2, lastSeq - 3, lastSeq - 4, earlier[0], earlier.at(-1), earlier[Math.round((earlier.length - 1) / 2)]]);
    expect(done.omitted).toEqual([
      `time travel at ${lastSeq - 8} of ${lastSeq} seqs: a log of more than 10 events is exported at its last 5 seqs and at 3 of the ${earlier.length} run and session starts and ends before them`,
    ]);

    const none = await exportInspector({ workspace: ws, dir: temp('export-budget-'), limits: { budgetMs: 0 } });
    const budget = dataOf(readFileSync(none.path, 'utf8')).data;
    expect(Object.keys(budget.answers).filter((k) => k.startsWith('api/at/'))).toEqual([]);
    expect(none.omitted).toEqual([`time travel at ${lastSeq} more seqs past the 0 s the export spends on it`]);
  });

  it('exports an empty workspace: its meta says so, with no tail and no time travel', async () => {
    const empty = fakeTrainerWorkspace();
    const done = await exportInspector({ workspace: empty, dir: temp('export-empty-') });
    const { data } = dataOf(readFileSync(done.path, 'utf8'));
    expect(data.answers['api/meta']).toEqual({ status: 200, json: await serverJson(empty, '/api/meta') });
    expect((data.answers['api/meta'] as { json: MetaResponse }).json.empty).toBe(true);
    expect(data.tail).toBeNull();
    expect(Object.keys(data.answers).filter((k) => k.startsWith('api/at/'))).toEqual([]);
  });

  it('refuses a DIR that is a symlink (its decoy untouched) or a file, naming what is allowed', async () => {
    const root = temp('export-link-');
    const decoy = join(root, 'decoy');
    mkdirSync(decoy);
    symlinkSync(decoy, join(root, 'dir'));
    const refused = await exportInspector({ workspace: ws, dir: join(root, 'dir') }).catch((e: unknown) => e);
    expect(isAutopilotError(refused, 'usage')).toBe(true);
    expect((refused as Error).message).toBe(
      `--export ${join(root, 'dir')} is a symlink to ${decoy}, not a directory; give a directory (made when absent), never a link to one; inspector.html is written in it`,
    );
    expect(readdirSync(decoy)).toEqual([]);
    writeFileSync(join(root, 'file'), 'x');
    const file = await exportInspector({ workspace: ws, dir: join(root, 'file') }).catch((e: unknown) => e);
    expect((file as Error).message).toMatch(/^--export .*file is a regular file, not a directory; give a directory/);
    expect(readFileSync(join(root, 'file'), 'utf8')).toBe('x');
  });

  it('replaces a link planted at DIR/inspector.html instead of writing through it', async () => {
    const root = temp('export-planted-');
    const decoy = join(root, 'decoy.txt');
    writeFileSync(decoy, 'decoy');
    mkdirSync(join(root, 'out'));
    symlinkSync(decoy, join(root, 'out', EXPORT_FILE));
    const done = await exportInspector({ workspace: ws, dir: join(root, 'out') });
    expect(readFileSync(decoy, 'utf8')).toBe('decoy');
    expect(lstatSync(done.path).isFile()).toBe(true);
    expect(done.replaced).toEqual([expect.objectContaining({ path: EXPORT_FILE, kind: 'symlink', target: decoy })]);
  });

  it('replaces a FIFO planted at DIR/inspector.html without opening it, and refuses a FIFO as DIR', async () => {
    const root = temp('export-fifo-');
    mkdirSync(join(root, 'out'));
    // Opening a FIFO to write would block until a reader came: the export must never open it.
    execFileSync('mkfifo', [join(root, 'out', EXPORT_FILE), join(root, 'pipe')]);
    const done = await exportInspector({ workspace: ws, dir: join(root, 'out') });
    expect(lstatSync(done.path).isFile()).toBe(true);
    expect(done.replaced).toEqual([expect.objectContaining({ path: EXPORT_FILE, kind: 'fifo' })]);
    const refused = await exportInspector({ workspace: ws, dir: join(root, 'pipe') }).catch((e: unknown) => e);
    expect(isAutopilotError(refused, 'usage')).toBe(true);
    expect((refused as Error).message).toMatch(/^--export .*pipe is a FIFO, not a directory; give a directory/);
    expect(lstatSync(join(root, 'pipe')).isFIFO()).toBe(true);
  });
});
