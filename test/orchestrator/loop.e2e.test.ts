import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRICS_MIRROR } from '../../adapters/actors/run-log-scan.js';
import { projectionHashes } from '../support/chaos.js';
import { CLI, ROOT, copyShippedWorkspace } from '../support/workspace.js';

// Not projections: the trainer's outputs, and the loop's mirror of its metric lines (written from its log).
const TRAINER_OUTPUTS = new Set(['trainer_summary.json', 'train.log', METRICS_MIRROR]);

/** `npm run loop`: the build, then the loop command, which the tests run as npm would after `--`. */
const SCRIPT = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['loop']!;
const [BUILD, LOOP] = SCRIPT.split(' && ');

describe('when npm run loop runs 3 quick iterations on a copy of the shipped workspace', () => {
  let ws: string;
  let loop: Awaited<ReturnType<typeof execa>>;

  beforeAll(async () => {
    ws = copyShippedWorkspace();
    // The script's command after its build: dist/ is already built from these sources (by `npm ci` and
    // test/global-setup.ts, which compare its stamp), so the suite does not build it again mid-run.
    const [node, ...args] = LOOP!.split(' ');
    loop = await execa(node!, [...args, '--runs', '3', '--mode', 'quick', '--workspace', ws], { cwd: ROOT, reject: false, all: true });
  });

  it('is the build, then the loop of the CLI', () => {
    expect(BUILD).toBe('npm run build --silent');
    expect(LOOP).toMatch(/^node bin\/autopilot\.js loop( |$)/);
  });

  it('exits 0 and ends by naming the incumbent and where to look', () => {
    expect(loop.exitCode, String(loop.all)).toBe(0);
    expect(loop.stdout).toMatch(/incumbent: run \d{3} with mean_reward/);
    expect(loop.stdout).toContain('labbook.md');
  });

  it('leaves 3 run folders with every projection file', () => {
    const runs = readdirSync(join(ws, 'runs')).filter((n) => /^\d{3}$/.test(n));
    expect(runs).toEqual(['001', '002', '003']);
    for (const r of runs)
      for (const f of ['run.json', 'config.json', 'override.json', 'config_diff.json', 'summary.json', 'notes.txt', 'trainer_summary.json', 'train.log'])
        expect(existsSync(join(ws, 'runs', r, f)), `${r}/${f}`).toBe(true);
    expect(readdirSync(join(ws, 'runs', '001', 'checkpoints')).length).toBeGreaterThan(0);
  });

  it('runs 001 on the baseline unchanged and 002+ on proposals', () => {
    const diff1 = JSON.parse(readFileSync(join(ws, 'runs/001/config_diff.json'), 'utf8'));
    expect(diff1).toMatchObject({ base: 'baseline', changes: [] });
    const baseline = JSON.parse(readFileSync(join(ws, 'configs/baseline_quick.json'), 'utf8'));
    expect(JSON.parse(readFileSync(join(ws, 'runs/001/config.json'), 'utf8'))).toEqual(baseline);
    const archive = JSON.parse(readFileSync(join(ws, 'proposals/run_002.json'), 'utf8'));
    expect(archive.proposals[0]).toMatchObject({ proposer: 'builtin', result: 'accepted' });
    expect(Number.isInteger(archive.proposals[0].seed)).toBe(true);
  });

  it('writes one labbook line per completed run and a best.json', () => {
    const labbook = readFileSync(join(ws, 'journal/labbook.md'), 'utf8');
    const runLines = labbook.split('\n').filter((l) => /^- \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \| run \d{3} \(/.test(l));
    expect(runLines).toHaveLength(3);
    for (const l of runLines) expect(l.split(' | ')).toHaveLength(5);
    const best = JSON.parse(readFileSync(join(ws, 'runs/best.json'), 'utf8'));
    expect(best.run_id).toMatch(/^00[123]$/);
    expect(best.metric).toBe('mean_reward');
  });

  it('keeps an event log whose hash chain verifies', async () => {
    const v = await execa('node', [CLI, 'verify', '--workspace', ws, '--json'], { reject: false });
    expect(v.exitCode).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true });
  });

  it('rebuilds byte-identical projections after they are deleted', async () => {
    const before = projectionHashes(ws);
    expect(before.size).toBeGreaterThan(15);
    rmSync(join(ws, 'journal'), { recursive: true });
    rmSync(join(ws, 'runs/best.json'));
    for (const r of ['001', '002', '003']) for (const f of readdirSync(join(ws, 'runs', r))) if (!TRAINER_OUTPUTS.has(f) && f !== 'checkpoints') rmSync(join(ws, 'runs', r, f));
    for (const f of readdirSync(join(ws, 'proposals'))) if (f.startsWith('run_')) rmSync(join(ws, 'proposals', f));
    expect(projectionHashes(ws).size).toBe(0);
    const r = await execa('node', [CLI, 'rebuild', '--workspace', ws], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(projectionHashes(ws)).toEqual(before);
  });

  it('repairs drifted projections by rewriting only what differs and removing what the log does not render', async () => {
    const before = projectionHashes(ws);
    writeFileSync(join(ws, 'runs/002/summary.json'), '{"edited": true}\n');
    writeFileSync(join(ws, 'journal/labbook.md'), readFileSync(join(ws, 'journal/labbook.md'), 'utf8').slice(0, 40));
    rmSync(join(ws, 'runs/003/config_diff.json'));
    mkdirSync(join(ws, 'runs/099'));
    writeFileSync(join(ws, 'runs/099/run.json'), '{}\n');
    writeFileSync(join(ws, 'proposals/run_99.json'), '{}\n');
    const untouched = join(ws, 'runs/001/config.json');
    const inode = statSync(untouched).ino;
    const r = await execa('node', [CLI, 'rebuild', '--workspace', ws, '--json'], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ written: 3, removed: 2 });
    expect(projectionHashes(ws)).toEqual(before);
    expect(existsSync(join(ws, 'runs/099/run.json'))).toBe(false);
    expect(existsSync(join(ws, 'proposals/run_99.json'))).toBe(false);
    // A file that already matched is not rewritten (a rewrite goes through a new inode).
    expect(statSync(untouched).ino).toBe(inode);
  });

  it('continues the same history on a later invocation', async () => {
    const again = await execa('node', [CLI, 'loop', '--runs', '1', '--workspace', ws], { reject: false, all: true });
    expect(again.exitCode, String(again.all)).toBe(0);
    expect(existsSync(join(ws, 'runs/004/summary.json'))).toBe(true);
    const status = JSON.parse((await execa('node', [CLI, 'status', '--workspace', ws, '--json'])).stdout);
    expect(status.sessions.map((s: { status: string }) => s.status)).toEqual(['completed', 'completed']);
    expect(status.runs.map((r: { run_id: string }) => r.run_id)).toEqual(['001', '002', '003', '004']);
  });
});
