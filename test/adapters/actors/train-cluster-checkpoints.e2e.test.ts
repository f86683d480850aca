/**
 * Checkpoint indexing on the Slurm launcher (the real one-node Slurm, bin/slurm-up.sh): the
 * built-in trainer's checkpoints, written by the batch job into the run folder, are indexed after
 * the job ends, before its end is recorded, exactly as under the local launcher.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyShippedWorkspace, patchSettings } from '../../support/workspace.js';
import { logOf, loop } from '../../support/hostile.js';
import { requireSlurm } from '../../support/slurm.js';
import { jobsOf } from '../../support/slurm-loop.js';
import type { EventOf } from '../../../events/catalogue.js';

const workspaces: string[] = [];
beforeAll(() => requireSlurm());
afterAll(async () => {
  for (const ws of workspaces) for (const j of await jobsOf(ws)) await execa('scancel', [j.jobId], { reject: false });
});

describe('a loop on Slurm with the built-in trainer', () => {
  it("indexes each job's checkpoints before its end is recorded and exposes them with the recorded sha256", async () => {
    const ws = copyShippedWorkspace();
    workspaces.push(ws);
    const baseline = JSON.parse(readFileSync(join(ws, 'configs/baseline_quick.json'), 'utf8')) as { train: Record<string, unknown> };
    baseline.train['total_timesteps'] = 4096;
    baseline.train['checkpoint_interval'] = 2;
    writeFileSync(join(ws, 'configs/baseline_quick.json'), JSON.stringify(baseline));
    patchSettings(ws, { launcher: 'slurm', slurm: { poll_seconds: 0.3, retry_seconds: 0.2, command_retries: 1 } });
    const r = await loop(ws, ['--runs', '1'], 150_000);
    expect(r.exitCode, r.all).toBe(0);
    const log = logOf(ws);
    const indexed = log.findIndex((e) => e.type === 'CheckpointsIndexed');
    const finished = log.findIndex((e) => e.type === 'RunFinished');
    expect(indexed).toBeGreaterThan(log.findIndex((e) => e.type === 'RunStarted'));
    expect(finished).toBeGreaterThan(indexed);
    const data = (log[indexed] as EventOf<'CheckpointsIndexed'>).data;
    expect(data.checkpoints.map((c) => c.step)).toEqual([2, 4]);
    for (const c of data.checkpoints)
      expect(
        createHash('sha256')
          .update(readFileSync(join(ws, c.name)))
          .digest('hex'),
      ).toBe(c.sha256);
    expect(JSON.parse(readFileSync(join(ws, 'models/best.json'), 'utf8')).checkpoint).toBe(data.checkpoints.at(-1)!.name);
  });
});
