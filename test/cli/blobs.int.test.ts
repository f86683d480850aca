import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { McpWorkspace } from '../../adapters/mcp/workspace.js';
import { CLI, copyShippedWorkspace, fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';

const MiB = 1024 * 1024;
const EXTRA = 80_000;

const cli = (...args: string[]) => execa('node', [CLI, ...args], { reject: false, all: true });

/** The projection files of a workspace (what rebuild and import render), by relative path. */
function projections(ws: string): Map<string, string> {
  const files = new Map<string, string>();
  const add = (rel: string) => files.set(rel, readFileSync(join(ws, rel), 'utf8'));
  for (const f of readdirSync(join(ws, 'journal'))) if (f !== '.gitkeep' && f !== 'anchor') add(`journal/${f}`);
  for (const f of readdirSync(join(ws, 'runs', '001'))) if (f.endsWith('.json') && f !== 'trainer_summary.json') add(`runs/001/${f}`);
  add('runs/best.json');
  return files;
}

function rows(ws: string): { seq: number; type: string; data: string; bytes: number }[] {
  const db = new Database(join(ws, 'events.db'), { readonly: true });
  try {
    return db
      .prepare(
        'SELECT global_position AS seq, message_type AS type, message_data AS data, ' +
          'LENGTH(CAST(message_data AS BLOB)) + LENGTH(CAST(message_metadata AS BLOB)) AS bytes FROM messages ORDER BY global_position',
      )
      .all() as { seq: number; type: string; data: string; bytes: number }[];
  } finally {
    db.close();
  }
}

describe('when an event is larger than limits.max_event_bytes (a summary of 80,000 extra samples, ~1.5 MB)', () => {
  let ws: string;
  let blobFile: string;
  let finishedSeq: number;

  beforeAll(async () => {
    ws = fakeTrainerWorkspace({ FAKE_TRAINER_SAMPLES: String(EXTRA), FAKE_TRAINER_SAMPLES_METRIC: 'extra', FAKE_TRAINER_SAMPLES_FLOAT: '1' });
    patchSettings(ws, { limits: { max_samples: 200_000 } });
    const r = await cli('loop', '--runs', '1', '--workspace', ws);
    expect(r.exitCode, r.all).toBe(0);
    const [name] = readdirSync(join(ws, 'blobs'));
    blobFile = join(ws, 'blobs', name!);
    finishedSeq = rows(ws).find((row) => row.type === 'RunFinished')!.seq;
  }, 60_000);

  it('stores it as a reference to blobs/<sha256>.json, every row under the limit', () => {
    const all = rows(ws);
    for (const row of all) expect(row.bytes).toBeLessThan(MiB);
    const refs = all.filter((row) => row.data.startsWith('{"$blob":'));
    expect(refs.map((row) => row.type)).toEqual(['RunFinished']);
    const text = readFileSync(blobFile, 'utf8');
    expect(statSync(blobFile).size).toBeGreaterThan(MiB);
    expect(blobFile.endsWith(`${createHash('sha256').update(text).digest('hex')}.json`)).toBe(true);
    expect((JSON.parse(text) as { samples: { extra: number[] } }).samples.extra).toHaveLength(EXTRA);
  });

  it('gives status, events, audit, replay and the MCP server the full data back', async () => {
    // Read-only commands, side by side.
    const [status, events, audit, replay] = await Promise.all([
      cli('status', '--workspace', ws),
      cli('events', '--json', '--type', 'RunFinished', '--workspace', ws),
      cli('audit', '001', '--workspace', ws),
      cli('replay', '--at', String(finishedSeq), '--workspace', ws),
    ]);
    expect(status.exitCode, status.all).toBe(0);
    expect(status.stdout).toMatch(/001\s+baseline\s+completed/);

    const finished = JSON.parse(events.stdout.trim()) as { data: { samples: Record<string, number[]> } };
    expect(finished.data.samples.extra).toHaveLength(EXTRA);

    expect(audit.exitCode, audit.all).toBe(0);
    expect(audit.stdout).toContain(`#${finishedSeq}`);
    expect(replay.exitCode, replay.all).toBe(0);

    const view = new McpWorkspace(ws).view();
    expect(view.runs.get('001')?.finished?.samples.extra).toHaveLength(EXTRA);
  }, 30_000);

  it('rebuilds the same files, verifies, and survives export and import into another workspace', async () => {
    const before = projections(ws);
    rmSync(join(ws, 'runs', '001', 'summary.json'));
    writeFileSync(join(ws, 'journal', 'labbook.md'), 'edited\n');
    const rebuild = await cli('rebuild', '--workspace', ws);
    expect(rebuild.exitCode, rebuild.all).toBe(0);
    expect(projections(ws)).toEqual(before);

    const out = join(mkdtempSync(join(tmpdir(), 'autopilot-export-')), 'log.jsonl');
    const [verify, exported] = await Promise.all([cli('verify', '--workspace', ws), cli('export', '--out', out, '--workspace', ws)]);
    expect(verify.exitCode, verify.all).toBe(0);
    expect(exported.exitCode, exported.all).toBe(0);
    const line = readFileSync(out, 'utf8').split('\n')[finishedSeq - 1]!;
    expect(line).toMatch(/^\{"seq":\d+.*"data":\{"\$blob":\{"bytes":\d+,"sha256":"[0-9a-f]{64}"\}\}.*,"blob":\{/);

    const other = copyShippedWorkspace();
    const imported = await cli('import', out, '--workspace', other);
    expect(imported.exitCode, imported.all).toBe(0);
    expect(readFileSync(join(other, 'blobs', blobFile.split('/').at(-1)!), 'utf8')).toBe(readFileSync(blobFile, 'utf8'));
    expect((await cli('verify', '--workspace', other)).exitCode).toBe(0);
    expect(projections(other)).toEqual(before);
    expect(rows(other)).toEqual(rows(ws));
  }, 60_000);

  it('fails verify and the readers, naming the blob and the seq, once the blob is tampered with or gone', async () => {
    const original = readFileSync(blobFile, 'utf8');
    try {
      writeFileSync(blobFile, original.replace('"extra":[1', '"extra":[2'));
      const out = join(mkdtempSync(join(tmpdir(), 'autopilot-export-')), 'log.jsonl');
      const [verify, status, exported] = await Promise.all([cli('verify', '--workspace', ws), cli('status', '--workspace', ws), cli('export', '--out', out, '--workspace', ws)]);
      expect(verify.exitCode).toBe(1);
      expect(verify.stdout).toContain(`BROKEN at seq ${finishedSeq}: blob ${blobFile} does not match its sha256: it was altered`);
      expect(status.exitCode).not.toBe(0);
      expect(status.stderr).toContain(`Event seq ${finishedSeq} is corrupt or does not match the event catalogue: blob ${blobFile} does not match its sha256`);
      expect(exported.exitCode).toBe(1);
      expect(exported.stderr).toContain(`(referenced by seq ${finishedSeq})`);
      expect(existsSync(out)).toBe(false);

      rmSync(blobFile);
      const missing = await cli('verify', '--workspace', ws);
      expect(missing.stdout).toContain(`BROKEN at seq ${finishedSeq}: blob ${blobFile} is missing`);
    } finally {
      writeFileSync(blobFile, original);
    }
    expect((await cli('verify', '--workspace', ws)).exitCode).toBe(0);
  }, 60_000);
});
