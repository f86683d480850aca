import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANCHOR_FILE } from '../../events/anchor.js';
import { chainHash, GENESIS_HASH } from '../../adapters/store/hash.js';
import { formatLogRow, LOG_ROW_KEYS, parseLogRow, splitLines, type LogRow } from '../../adapters/store/jsonl.js';
import { verifyLog } from '../../adapters/store/verify.js';
import { CLI, copyShippedWorkspace, fakeTrainerWorkspace } from '../support/workspace.js';

const run = (args: string[]) => execa('node', [CLI, ...args], { reject: false });

const RUN_FILES = ['run.json', 'config.json', 'override.json', 'config_diff.json', 'summary.json', 'notes.txt'];

/** Every projection file of a workspace (relative path → content), the anchor file left out. */
function projections(ws: string): Map<string, string> {
  const files = new Map<string, string>();
  const add = (rel: string) => {
    if (existsSync(join(ws, rel))) files.set(rel, readFileSync(join(ws, rel), 'utf8'));
  };
  // journal/anchor is the loop's record of its head hashes, not a projection: import does not write one.
  for (const f of readdirSync(join(ws, 'journal'))) if (f !== '.gitkeep' && `journal/${f}` !== ANCHOR_FILE) add(`journal/${f}`);
  for (const d of readdirSync(join(ws, 'runs'))) if (/^\d{3,}$/.test(d)) for (const f of RUN_FILES) add(`runs/${d}/${f}`);
  add('runs/best.json');
  for (const f of readdirSync(join(ws, 'proposals'))) if (/^run_\d+\.json$/.test(f)) add(`proposals/${f}`);
  return files;
}

/** The log's tables, row for row. */
function tables(ws: string): { messages: unknown[]; streams: unknown[] } {
  const db = new Database(join(ws, 'events.db'), { readonly: true });
  try {
    return {
      messages: db.prepare('SELECT * FROM messages ORDER BY global_position').all(),
      streams: db.prepare('SELECT * FROM streams ORDER BY stream_id').all(),
    };
  } finally {
    db.close();
  }
}

/** Rewrites an export after `edit` changed its rows, recomputing every hash so the chain is intact again. */
function rechain(text: string, edit: (rows: LogRow[]) => void): string {
  const rows = splitLines(text).map((l, i) => parseLogRow(l, i + 1));
  edit(rows);
  let prevHash = GENESIS_HASH;
  for (const row of rows) {
    const { prevHash: _p, hash: _h, ...record } = row;
    row.prevHash = prevHash;
    row.hash = chainHash(prevHash, record);
    prevHash = row.hash;
  }
  return rows.map((r) => `${formatLogRow(r)}\n`).join('');
}

describe('when a log is exported and imported into another workspace', () => {
  let a: string;
  let b: string;
  let file: string;
  let exported: string;

  beforeAll(async () => {
    a = fakeTrainerWorkspace();
    const loop = await run(['loop', '--runs', '3', '--workspace', a]);
    expect(loop.exitCode, loop.stderr).toBe(0);
    file = join(a, '..', 'history.jsonl');
    const ex = await run(['export', '--out', file, '--workspace', a, '--json']);
    expect(ex.exitCode, ex.stderr).toBe(0);
    exported = readFileSync(file, 'utf8');
    b = copyShippedWorkspace();
    const im = await run(['import', file, '--workspace', b]);
    expect(im.exitCode, im.stderr).toBe(0);
    expect(im.stdout).toMatch(/^imported \d+ event\(s\) in 4 stream\(s\) from .*; rebuilt \d+ projection file\(s\)$/);
  });

  it('writes one line per event, in global order, keys in a fixed order, payloads as stored', () => {
    const lines = splitLines(exported);
    const { messages } = tables(a);
    expect(lines).toHaveLength(messages.length);
    lines.forEach((line, i) => {
      const row = messages[i] as { global_position: number; message_data: string; message_metadata: string; schema_version: number };
      const parsed = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(parsed)).toEqual([...LOG_ROW_KEYS]);
      expect(parsed.seq).toBe(row.global_position);
      expect(parsed.schemaVersion).toBe(row.schema_version);
      expect(line).toContain(`,"data":${row.message_data},"metadata":${row.message_metadata},"createdAt":`);
    });
  });

  it('exports the same bytes every time', async () => {
    const again = join(a, '..', 'again.jsonl');
    expect((await run(['export', '--out', again, '--workspace', a])).exitCode).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(exported);
  });

  it('gives a log that verifies, with the source chain head', () => {
    const source = verifyLog(join(a, 'events.db'));
    const target = verifyLog(join(b, 'events.db'));
    expect(target.ok).toBe(true);
    expect(target).toEqual(source);
  });

  it('stores the same rows, streams table included', () => {
    expect(tables(b)).toEqual(tables(a));
  });

  it('passes autopilot verify', async () => {
    const r = await run(['verify', '--workspace', b]);
    expect(r.exitCode, r.stdout).toBe(0);
  });

  it('renders byte-identical projection files', () => {
    const fromA = projections(a);
    const fromB = projections(b);
    expect([...fromA.keys()].sort()).toContain('runs/best.json');
    expect([...fromA.keys()].filter((k) => k.startsWith('runs/003/'))).toHaveLength(RUN_FILES.length);
    expect([...fromB.keys()].sort()).toEqual([...fromA.keys()].sort());
    for (const [rel, content] of fromA) expect(fromB.get(rel), rel).toBe(content);
  });

  it('exports again to the same file from the imported workspace', async () => {
    const back = join(b, '..', 'back.jsonl');
    expect((await run(['export', '--out', back, '--workspace', b])).exitCode).toBe(0);
    expect(readFileSync(back, 'utf8')).toBe(exported);
  });

  it('refuses to import into a log that is not empty, leaving it as it was', async () => {
    const before = tables(b);
    const r = await run(['import', file, '--workspace', b]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/cannot import into .*: the event log is not empty \(\d+ event\(s\) in 4 stream\(s\)\)/);
    expect(tables(b)).toEqual(before);
  });

  it('refuses a file whose payload was edited, naming the line, and writes nothing', async () => {
    const lines = splitLines(exported);
    const index = lines.findIndex((l) => l.includes('"type":"RunEvaluated"'));
    lines[index] = lines[index]!.replace(/"verdict":"\w+"/, '"verdict":"improved"');
    const edited = join(a, '..', 'edited.jsonl');
    writeFileSync(edited, lines.map((l) => `${l}\n`).join(''));
    const c = copyShippedWorkspace();
    const r = await run(['import', edited, '--workspace', c]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`line ${index + 1}: field "hash" does not match the row: its payload or fields were altered; nothing was imported`);
    expect(existsSync(join(c, 'events.db'))).toBe(false);
    expect(existsSync(join(c, 'runs/best.json'))).toBe(false);
  });

  it('refuses a file with a missing line, naming the line after the gap', async () => {
    const lines = splitLines(exported);
    lines.splice(4, 1);
    const gapped = join(a, '..', 'gapped.jsonl');
    writeFileSync(gapped, lines.map((l) => `${l}\n`).join(''));
    const r = await run(['import', gapped, '--workspace', copyShippedWorkspace()]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('line 5: field "seq" is 6: seq 5 is missing');
  });

  it('refuses a file whose chain is intact but whose payload the catalogue rejects', async () => {
    let line = 0;
    const text = rechain(exported, (rows) => {
      const i = rows.findIndex((r) => r.type === 'RunPlanned');
      rows[i]!.data = { ...(rows[i]!.data as object), kind: 'bogus' };
      line = i + 1;
    });
    const bad = join(a, '..', 'undecodable.jsonl');
    writeFileSync(bad, text);
    const c = copyShippedWorkspace();
    const r = await run(['import', bad, '--workspace', c]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`line ${line}: RunPlanned v1 does not match the event catalogue: data.kind`);
    expect(existsSync(join(c, 'events.db'))).toBe(false);
  });

  it('refuses a row written by a newer schema version than this autopilot knows', async () => {
    const text = rechain(exported, (rows) => {
      rows[2]!.schemaVersion = 99;
    });
    const newer = join(a, '..', 'newer.jsonl');
    writeFileSync(newer, text);
    const r = await run(['import', newer, '--workspace', copyShippedWorkspace()]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/line 3: field "schemaVersion" \w+ v99 is newer than this autopilot's v\d+/);
  });

  it('exports while another connection holds the write lock and a live process holds the workspace lock', async () => {
    const db = new Database(join(a, 'events.db'));
    writeFileSync(join(a, 'autopilot.lock'), JSON.stringify({ pid: process.pid }));
    try {
      db.exec('BEGIN IMMEDIATE');
      const during = join(a, '..', 'during.jsonl');
      const r = await run(['export', '--out', during, '--workspace', a]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(readFileSync(during, 'utf8')).toBe(exported);
    } finally {
      db.exec('ROLLBACK');
      db.close();
    }
  });
});

describe('when import or export cannot proceed', () => {
  it('refuses to import while another live process holds the workspace lock', async () => {
    const ws = copyShippedWorkspace();
    const file = join(ws, '..', 'empty.jsonl');
    writeFileSync(file, '');
    writeFileSync(join(ws, 'autopilot.lock'), JSON.stringify({ pid: process.pid }));
    const r = await run(['import', file, '--workspace', ws]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`another autopilot (pid ${process.pid}) is running on this workspace`);
    expect(existsSync(join(ws, 'events.db'))).toBe(false);
  });

  it('exits 2 for a file that does not exist', async () => {
    const r = await run(['import', '/nonexistent/history.jsonl', '--workspace', copyShippedWorkspace()]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('no such file /nonexistent/history.jsonl');
  });

  it('exits 2 when export is given no --out', async () => {
    const r = await run(['export', '--workspace', copyShippedWorkspace()]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("required option '--out <file>' not specified");
  });

  it('exits 1 when there is no log to export, writing nothing', async () => {
    const ws = copyShippedWorkspace();
    const out = join(ws, '..', 'out.jsonl');
    const r = await run(['export', '--out', out, '--workspace', ws]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('no event log at');
    expect(existsSync(out)).toBe(false);
  });

  it('imports an empty file as an empty log', async () => {
    const ws = copyShippedWorkspace();
    const file = join(ws, '..', 'empty.jsonl');
    writeFileSync(file, '');
    const r = await run(['import', file, '--workspace', ws, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ events: 0, streams: 0, lastSeq: 0, headHash: GENESIS_HASH });
    expect(verifyLog(join(ws, 'events.db'))).toMatchObject({ ok: true, events: 0 });
  });
});
