/**
 * The committed histories stay true to the product: each imports into a fresh workspace whose log
 * verifies (hash chain intact), and a loop run now by the same recipe records the same events, in
 * the same streams and order. With AUTOPILOT_WRITE_HISTORIES=1 this file rewrites the fixtures instead.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { HISTORIES, historyFixture, historyWorkspace, recordHistory, type HistoryName } from './histories.js';
import { CLI } from './workspace.js';

const WRITE = process.env['AUTOPILOT_WRITE_HISTORIES'] === '1';
const REGENERATE = 'AUTOPILOT_WRITE_HISTORIES=1 npx vitest run test/support/histories.int.test.ts';

/** What must not change between two loops of one recipe: each row's stream, version and event type. */
const shape = (jsonl: string) =>
  jsonl
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { stream: string; version: number; type: string })
    .map((r) => `${r.stream}#${r.version} ${r.type}`);

describe.each(Object.keys(HISTORIES) as HistoryName[])('the committed history %s', (name) => {
  it(WRITE ? 'is written from a fresh loop' : 'is what a loop of its recipe records now', async () => {
    const { jsonl } = await recordHistory(name, { neutral: WRITE });
    if (WRITE) copyFileSync(jsonl, historyFixture(name));
    expect(shape(readFileSync(historyFixture(name), 'utf8')), `stale fixture: regenerate it with ${REGENERATE}`).toEqual(shape(readFileSync(jsonl, 'utf8')));
  });

  it('imports into a fresh workspace whose log verifies', async () => {
    const ws = await historyWorkspace(name, { spawned: true });
    const r = await execa('node', [CLI, 'verify', '--workspace', ws, '--json'], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true });
  });
});
