import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { changedRunFolder, recordRunFolder } from '../../adapters/actors/run-folder-after.js';
import { execa } from 'execa';
import { runInProcess } from '../support/cli-in-process.js';
import { historyWorkspace } from '../support/histories.js';
import { CLI, fakeTrainerWorkspace } from '../support/workspace.js';
import { xmlProblem } from '../support/xml.js';

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG's width and height, from its IHDR chunk (the first, right after the signature). */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('autopilot plot on a two-run history', () => {
  let ws: string;
  beforeAll(async () => {
    ws = await historyWorkspace('loop-2');
  });

  it('writes the progress chart and each run’s learning curve as well-formed SVG, leaving the log as it was', async () => {
    const db = join(ws, 'events.db');
    const before = { hash: sha(db), mtime: lstatSync(db).mtimeMs };
    const r = await runInProcess(['plot', '--workspace', ws]);
    expect(r.code, r.stderr).toBe(0);
    const files = ['journal/plots/progress.svg', 'runs/001/learning_curve.svg', 'runs/002/learning_curve.svg'];
    expect(r.stdout).toBe(files.map((f) => `wrote ${f}\n`).join(''));
    for (const f of files) expect(xmlProblem(readFileSync(join(ws, f), 'utf8')), f).toBeNull();
    const progress = readFileSync(join(ws, files[0]!), 'utf8');
    expect(progress).toContain('Optimizer progress: mean_reward (maximize)');
    expect(progress.match(/<circle /g)).toHaveLength(3); // two runs and the legend's marker
    expect(readFileSync(join(ws, files[1]!), 'utf8')).toContain('>agent_steps</text>');
    expect({ hash: sha(db), mtime: lstatSync(db).mtimeMs }).toEqual(before);
  });

  it('writes PNGs of the requested width for one run, and says what it wrote as JSON', async () => {
    const r = await runInProcess(['plot', '--workspace', ws, '--format', 'png', '--width', '640', '--run', '002', '--log-y', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ format: 'png', width: 640, written: ['journal/plots/progress.png', 'runs/002/learning_curve.png'], unsafe: [] });
    expect(pngSize(readFileSync(join(ws, 'journal/plots/progress.png')))).toEqual({ width: 640, height: 360 });
    expect(pngSize(readFileSync(join(ws, 'runs/002/learning_curve.png'))).width).toBe(640);
  });

  it('refuses a run the log does not have, and a width out of range', async () => {
    const missing = await runInProcess(['plot', '--workspace', ws, '--run', '009']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('run 009 is not in the log');
    const wide = await runInProcess(['plot', '--workspace', ws, '--width', '100000']);
    expect(wide.code).toBe(2);
    expect(wide.stderr).toContain('--width must be from 320 to 8000 pixels');
  });

  it('keeps the plots through a rebuild: they are not projections', async () => {
    expect((await runInProcess(['plot', '--workspace', ws])).code).toBe(0);
    const plots = ['journal/plots/progress.svg', 'journal/plots/progress.png', 'runs/001/learning_curve.svg', 'runs/002/learning_curve.png'];
    const before = plots.map((f) => sha(join(ws, f)));
    const r = await runInProcess(['rebuild', '--workspace', ws, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ removed: 0 });
    expect(plots.map((f) => sha(join(ws, f)))).toEqual(before);
  });

  it('leaves a plot written into a run folder out of the folder check at the journal step', async () => {
    const runDir = join(ws, 'runs', '001');
    const recorded = recordRunFolder(ws, runDir);
    for (const format of ['svg', 'png']) expect((await runInProcess(['plot', '--workspace', ws, '--run', '001', '--format', format])).code).toBe(0);
    expect(changedRunFolder(ws, runDir, recorded)).toEqual([]);
    // Anything else written there is still a change.
    writeFileSync(join(runDir, 'learning_curve.svg.bak'), 'x');
    expect(changedRunFolder(ws, runDir, recorded).map((c) => c.path)).toEqual(['runs/001/learning_curve.svg.bak']);
  });
});

describe('autopilot plot where links were planted', () => {
  it('replaces a link at the output path or on the way to it, never writing through it', async () => {
    const ws = await historyWorkspace('loop-2');
    const outside = mkdtempSync(join(tmpdir(), 'plot-decoy-'));
    const decoyFile = join(outside, 'decoy.svg');
    mkdirSync(join(outside, 'dir'));
    writeFileSync(decoyFile, 'decoy');
    writeFileSync(join(outside, 'dir', 'progress.svg'), 'decoy in a folder');
    rmSync(join(ws, 'journal', 'plots'), { recursive: true, force: true });
    symlinkSync(join(outside, 'dir'), join(ws, 'journal', 'plots'));
    symlinkSync(decoyFile, join(ws, 'runs', '001', 'learning_curve.svg'));
    expect(readlinkSync(join(ws, 'runs', '001', 'learning_curve.svg'))).toBe(decoyFile);

    const r = await runInProcess(['plot', '--workspace', ws]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(decoyFile, 'utf8')).toBe('decoy');
    expect(readFileSync(join(outside, 'dir', 'progress.svg'), 'utf8')).toBe('decoy in a folder');
    expect(lstatSync(join(ws, 'journal', 'plots')).isDirectory()).toBe(true);
    expect(lstatSync(join(ws, 'runs', '001', 'learning_curve.svg')).isFile()).toBe(true);
    expect(xmlProblem(readFileSync(join(ws, 'runs', '001', 'learning_curve.svg'), 'utf8'))).toBeNull();
    expect(r.stderr).toContain(`journal/plots was a symlink (-> ${join(outside, 'dir')}) where a plot goes; removed, not followed`);
    expect(r.stderr).toContain('runs/001/learning_curve.svg was a symlink');
  });
});

describe('autopilot plot before any run', () => {
  it('draws a progress chart saying there is nothing yet, as PNG from the built CLI, and no curve', async () => {
    const ws = fakeTrainerWorkspace();
    const r = await execa('node', [CLI, 'plot', '--workspace', ws, '--format', 'png', '--json'], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ written: ['journal/plots/progress.png'] });
    expect(pngSize(readFileSync(join(ws, 'journal/plots/progress.png')))).toEqual({ width: 960, height: 540 });
    const svg = await runInProcess(['plot', '--workspace', ws]);
    expect(svg.stdout).toBe('wrote journal/plots/progress.svg\n');
    expect(readFileSync(join(ws, 'journal/plots/progress.svg'), 'utf8')).toContain('>no evaluated runs yet</text>');
  });
});
