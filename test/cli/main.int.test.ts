import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, fakeTrainerWorkspace } from '../support/workspace.js';

const run = (args: string[]) => execa('node', [CLI, ...args], { reject: false });

describe('when the command line is misused', () => {
  it('exits 2 naming what was wrong for a bad --runs', async () => {
    const r = await run(['loop', '--runs', '0', '--workspace', '/nonexistent']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--runs must be a positive integer, got "0"');
  });

  it('exits 2 listing the allowed modes for a bad --mode', async () => {
    const r = await run(['loop', '--mode', 'fast']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/Allowed choices are quick, full/);
  });

  it('exits 2 for an unknown command', async () => {
    expect((await run(['frobnicate'])).exitCode).toBe(2);
  });

  it('exits 2 when the directory is not a workspace', async () => {
    const r = await run(['status', '--workspace', '/tmp']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('not an autopilot workspace');
    // A first-time user is told how to make one there.
    expect(r.stderr).toContain('make one with autopilot init /tmp --trainer "python train.py" --metric NAME --maximize (or --builtin');
  });

  it('points at the workspace it is run from inside, instead of a new one in it', async () => {
    const ws = fakeTrainerWorkspace();
    const r = await execa('node', [CLI, 'status'], { cwd: ws, reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`autopilot: ${join(ws, 'autopilot')} is not an autopilot workspace (no autopilot.json); ${ws} is one: pass --workspace ${ws} (--workspace . from inside it)`);
  });

  it('exits 2 naming the field when autopilot.json is invalid, before touching the log', async () => {
    const ws = fakeTrainerWorkspace();
    writeFileSync(join(ws, 'autopilot.json'), JSON.stringify({ trainer: { command: [] }, metric: { name: 'x', direction: 'up' } }));
    const r = await run(['loop', '--workspace', ws]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('trainer.command');
    expect(r.stderr).toContain('metric.direction');
  });
});

describe('when a loop has run on a workspace', () => {
  let ws: string;
  beforeAll(async () => {
    ws = fakeTrainerWorkspace();
    const r = await run(['loop', '--runs', '2', '--workspace', ws, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    // --json: every line of the loop's output is a JSON event
    for (const line of r.stdout.split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('prints the log as JSON lines, filterable by type and run', async () => {
    const r = await run(['events', '--workspace', ws, '--json', '--type', 'RunFinished']);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; data: { runId: string } });
    expect(events.map((e) => [e.type, e.data.runId])).toEqual([
      ['RunFinished', '001'],
      ['RunFinished', '002'],
    ]);
    const seqs = (await run(['events', '--workspace', ws, '--json'])).stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it('reports status with the incumbent', async () => {
    const s = JSON.parse((await run(['status', '--workspace', ws, '--json'])).stdout);
    expect(s.runs).toHaveLength(2);
    expect(s.incumbent.run_id).toMatch(/^00[12]$/);
    expect(s.running).toBeNull();
  });

  it('renders a run config into trainer flags, NUL-separated on request', async () => {
    const r = await execa('node', [CLI, 'render-args', '--null', join(ws, 'runs/001/config.json')], { encoding: 'buffer' });
    const args = Buffer.from(r.stdout).toString('utf8').split('\0').slice(0, -1);
    expect(args).toContain('--train.learning-rate');
    expect(args[args.indexOf('--train.learning-rate') + 1]).toMatch(/^[0-9.e-]+$/);
  });
});
