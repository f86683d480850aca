/**
 * A first night on a workspace `autopilot init` wrote for a Python argparse trainer: the loop
 * starts it through the scaffolded script, the trainer gets each run's config as flags (appended
 * by the launcher to trainer.command, passed on as "$@"), and its summary decides the runs.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../domain/config.js';
import { renderArgs } from '../../domain/render-args.js';
import { CLI, ROOT } from '../support/workspace.js';

const TRAINER = join(ROOT, 'test', 'fixtures', 'python-trainer', 'train.py');

describe('when the loop runs on a workspace init wrote for a Python trainer', () => {
  it('trains each run with its config as flags and judges it by the trainer\'s summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'autopilot-init-loop-'));
    const record = join(dir, 'record.jsonl');
    writeFileSync(join(dir, 'baseline.json'), JSON.stringify({ train: { learning_rate: 0.01, seed: 1 } }));
    const init = await execa('node', [CLI, 'init', '--trainer', `/usr/bin/python3 ${TRAINER} --record ${record}`, '--metric', 'score', '--maximize', '--config', 'baseline.json'], { cwd: dir, reject: false });
    expect(init.exitCode, init.stderr).toBe(0);
    const ws = join(dir, 'autopilot');

    const loop = await execa('node', [CLI, 'loop', '--runs', '2', '--workspace', ws], { cwd: dir, reject: false, all: true });
    expect(loop.exitCode, loop.all).toBe(0);
    const calls = readFileSync(record, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { argv: string[]; cwd: string; unbuffered: string; run_id: string });
    expect(calls.map((c) => c.run_id)).toEqual(['001', '002']);
    for (const call of calls) {
      const config = JSON.parse(readFileSync(join(ws, 'runs', call.run_id, 'config.json'), 'utf8')) as Config;
      // The fixed argv of --trainer, then the run's flags: needs the launcher to append them to trainer.command.
      expect(call.argv).toEqual(['--record', record, ...renderArgs(config)]);
      expect(call.cwd).toBe(dir);
      expect(call.unbuffered).toBe('1');
      const summary = JSON.parse(readFileSync(join(ws, 'runs', call.run_id, 'summary.json'), 'utf8')) as { metrics?: Record<string, number> };
      expect(JSON.stringify(summary)).toContain('score');
    }
    expect(loop.stdout).toMatch(/incumbent: run 00[12] with score/);
  });
});
