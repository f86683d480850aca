import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, copyShippedWorkspace, patchSettings } from '../support/workspace.js';

const AGENT = join(ROOT, 'test', 'fixtures', 'hostile-agent.mjs');

describe('when runs save checkpoints with the built-in trainer', () => {
  it('continues from the best checkpoint, keeps the models pointers, and prunes by save_strategy after journaling', async () => {
    const ws = copyShippedWorkspace();
    const baseline = JSON.parse(readFileSync(join(ws, 'configs/baseline_quick.json'), 'utf8'));
    // Small and quick: the point is the checkpoints, not the learning.
    baseline.train.total_timesteps = 8192;
    baseline.train.checkpoint_interval = 2;
    baseline.autopilot = { save_strategy: 'best' };
    writeFileSync(join(ws, 'configs/baseline_quick.json'), JSON.stringify(baseline));
    patchSettings(ws, {
      proposer: {
        kind: 'command',
        command: {
          argv: [process.execPath, AGENT],
          env: {
            HOSTILE_AGENT_PROPOSAL: JSON.stringify({
              overrides: { autopilot: { resume_mode: 'continue', resume_from: 'best' } },
              rationale: 'continue training the best policy',
              hypothesis: 'more steps from a good start help',
            }),
          },
        },
      },
    });
    const r = await execa('node', [CLI, 'loop', '--runs', '2', '--workspace', ws], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);

    const config2 = JSON.parse(readFileSync(join(ws, 'runs/002/config.json'), 'utf8'));
    // Continued from the name run 001's final checkpoint is exposed under (indexed after its attempt), not the trainer's own file.
    const indexed = (await execa('node', [CLI, 'events', '--json', '--type', 'CheckpointsIndexed', '--workspace', ws])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { data: { runId: string; checkpoints: { name: string; path: string; step: number }[] } });
    const index1 = indexed.find((e) => e.data.runId === '001')!.data;
    expect(index1.checkpoints.map((c) => c.step)).toEqual([2, 4, 6, 8]);
    expect(index1.checkpoints.at(-1)!.path).toBe('runs/001/checkpoints/model_000008.json');
    expect(config2.load_model_path).toBe(join(ws, index1.checkpoints.at(-1)!.name));
    const diff2 = JSON.parse(readFileSync(join(ws, 'runs/002/config_diff.json'), 'utf8'));
    expect(diff2.normalizations).toContainEqual(expect.objectContaining({ key: 'load_model_path', rule: 'resume_from:best' }));
    const run2 = JSON.parse(readFileSync(join(ws, 'runs/002/run.json'), 'utf8'));
    expect(run2.attempts[0].outcome).toBe('finished');

    const best = JSON.parse(readFileSync(join(ws, 'models/best.json'), 'utf8'));
    const latest = JSON.parse(readFileSync(join(ws, 'models/latest.json'), 'utf8'));
    // Whichever run the verdict left as the incumbent, save_strategy best keeps only its checkpoints.
    const incumbent = JSON.parse(readFileSync(join(ws, 'runs/best.json'), 'utf8')).run_id as string;
    expect(['001', '002']).toContain(incumbent);
    expect(best.run_id).toBe(incumbent);
    expect(latest.run_id).toBe(incumbent);
    expect(existsSync(join(ws, best.checkpoint))).toBe(true);
    expect(existsSync(join(ws, latest.checkpoint))).toBe(true);
    // save_strategy best: only the incumbent's final checkpoint is left of journaled runs.
    const left = ['001', '002'].flatMap((id) => readdirSync(join(ws, 'runs', id, 'checkpoints')).map((f) => `runs/${id}/checkpoints/${f}`));
    expect(left).toEqual([best.checkpoint]);
    const events = (await execa('node', [CLI, 'events', '--json', '--type', 'CheckpointsPruned', '--workspace', ws])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { data: { runId: string; removed: string[] } });
    expect(events.map((e) => e.data.runId)).toEqual(['001', '002']);
    // The trainer's four files and three of the four exposed names: the final one is the incumbent's.
    expect(events[0]!.data.removed).toHaveLength(7);
  });
});
