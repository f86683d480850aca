/**
 * `bench:inspector` end to end on a tiny history (20 runs, one repeat): the real script as a child,
 * with its own inspect child and Debian's Chromium. Checks the JSON it prints and that its exit code
 * follows its verdicts. Its jump step needs the time-travel view: the built page either has it (its
 * bundle makes the `ap:at-rendered` mark) and every jump is timed, or it has not and the bench says
 * so and fails.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/workspace.js';

const ASSETS = join(ROOT, 'dist', 'inspector', 'web', 'assets');

interface BenchJson {
  runs: number;
  events: number;
  sessions: number;
  history: { generated: boolean };
  floorMs: number[];
  spawnMs: number[];
  firstPaint: { coldMs: number[]; warmMs: number[]; coldApiMs: Record<string, number>[] };
  jumps: { label: string; seqs: number[]; ms: number[]; missing: string | null; server: { seqs: number[]; ms: number[] } }[];
  memory: { afterLoad: { rssKb: number; hwmKb: number }; afterJumps: { rssKb: number; hwmKb: number } };
  verdicts: { target: string; pass: boolean }[];
}

describe('npm run bench:inspector', () => {
  it('times the first paint, the jumps and the server beside the floor, and exits 1 exactly when a target fails', { timeout: 120_000 }, async () => {
    const r = await execa(process.execPath, [join(ROOT, 'dist', 'bench', 'inspector.js'), '--runs', '20', '--repeat', '1', '--json', '--dir', tmpdir()], { reject: false });
    const json = JSON.parse(r.stdout) as BenchJson;
    expect(json).toMatchObject({ runs: 20, sessions: 1, history: { generated: true } });
    expect(json.events).toBeGreaterThan(200);
    for (const xs of [json.floorMs, json.spawnMs, json.firstPaint.coldMs, json.firstPaint.warmMs]) {
      expect(xs).toHaveLength(1);
      expect(xs[0]).toBeGreaterThan(0);
    }
    // Where the cold paint waited: the page's API requests, the runs table among them.
    expect(json.firstPaint.coldApiMs[0]).toHaveProperty('/api/runs');
    const { afterLoad, afterJumps } = json.memory;
    expect(afterLoad.rssKb).toBeGreaterThan(10_000);
    expect(afterLoad.hwmKb).toBeGreaterThanOrEqual(afterLoad.rssKb);
    expect(afterJumps.hwmKb).toBeGreaterThanOrEqual(afterLoad.hwmKb);

    // The end, the middle and, with no snapshot in 20 runs, the end folded from event 1.
    const last = json.events;
    expect(json.jumps.map((j) => j.label)).toEqual(['near the end', 'the middle', 'the end, folded from event 1 (no snapshot yet)']);
    const seqs = [last - 7, Math.floor(last / 2), last];
    // The server-side line asks for seqs next to the page's (its reports are cached by seq), and each answered 200.
    expect(json.jumps.map((j) => j.server.seqs)).toEqual(seqs.map((s) => [s - 50]));
    for (const j of json.jumps) expect(j.server.ms[0]).toBeGreaterThan(0);

    const bundle = readdirSync(ASSETS).some((f) => f.endsWith('.js') && readFileSync(join(ASSETS, f), 'utf8').includes('ap:at-rendered'));
    if (bundle) {
      expect(json.jumps.map((j) => j.missing)).toEqual([null, null, null]);
      expect(json.jumps.map((j) => j.seqs)).toEqual(seqs.map((s) => [s]));
      for (const j of json.jumps) expect(j.ms[0]).toBeGreaterThan(0);
    } else expect(json.jumps.map((j) => j.missing)).toEqual(Array(3).fill('no time-travel view in this build'));

    // One verdict for the first paint, one per jump; each says what the numbers say, and the exit code follows them.
    expect(json.verdicts).toHaveLength(4);
    expect(json.verdicts[0]!.pass).toBe(json.firstPaint.coldMs[0]! < 2_000);
    json.jumps.forEach((j, i) => expect(json.verdicts[i + 1]!.pass).toBe(j.missing === null && j.ms[0]! < 1_000));
    expect(r.exitCode).toBe(json.verdicts.every((v) => v.pass) ? 0 : 1);
    expect(r.stderr).toContain('repeat 1/1');
  });
});
