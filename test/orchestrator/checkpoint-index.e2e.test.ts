/**
 * Checkpoint indexing in real loops: the built-in trainer writing into its run folder, and the fake
 * PufferLib (test/fixtures/pufferlib) writing into a shared `experiments/` folder named by
 * `checkpoints.dir`. Each run's checkpoints are listed in runs/<id>/checkpoints.json, exposed as
 * runs/<id>/checkpoints/<run>-s<seed>-<step>.<ext> with the recorded sha256, models/best points
 * there, and a rebuild gives the same projection files.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposedName } from '../../domain/run/checkpoint-name.js';
import { deleteProjectionFiles, projectionHashes } from '../support/chaos.js';
import { CLI, copyShippedWorkspace, patchSettings } from '../support/workspace.js';
import { copyExample, FAKE_PUFFERLIB, hasPython } from '../trainers/pufferlib/support.js';

interface IndexFile {
  run_id: string;
  dir: string;
  checkpoints: { name: string; path: string; step: number | null; size: number; sha256: string; seed: number | null; run: string; via: string }[];
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const readJson = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;
const workspaces: string[] = [];
afterAll(() => {
  for (const ws of workspaces) rmSync(dirname(ws), { recursive: true, force: true });
});

async function loop(ws: string, runs: number) {
  const r = await execa('node', [CLI, 'loop', '--runs', String(runs), '--workspace', ws], { reject: false, all: true, timeout: 150_000 });
  expect(r.exitCode, r.all).toBe(0);
}

/** Every indexed checkpoint of `runs` is exposed where its index says, with the bytes it recorded. */
function expectExposed(ws: string, runs: string[]): IndexFile[] {
  return runs.map((id) => {
    const index = readJson<IndexFile>(join(ws, 'runs', id, 'checkpoints.json'));
    expect(index.run_id).toBe(id);
    expect(index.checkpoints.length).toBeGreaterThan(0);
    for (const c of index.checkpoints) {
      expect(c.run).toBe(id);
      expect(c.name.startsWith(`runs/${id}/checkpoints/`)).toBe(true);
      const parsed = parseExposedName(c.name.slice(`runs/${id}/checkpoints/`.length))!;
      expect(parsed).toMatchObject({ runId: id, seed: c.seed });
      if (c.step !== null) expect(parsed.step).toBe(c.step);
      expect(sha(join(ws, c.name)), c.name).toBe(c.sha256);
      expect(readFileSync(join(ws, c.name)).length).toBe(c.size);
    }
    return index;
  });
}

/** models/best.json names the incumbent's final exposed checkpoint and its hash. */
function expectBestPointsIntoIndex(ws: string): void {
  const incumbent = readJson<{ run_id: string }>(join(ws, 'runs/best.json')).run_id;
  const best = readJson<{ run_id: string; checkpoint: string; sha256: string; step: number | null }>(join(ws, 'models/best.json'));
  const last = readJson<IndexFile>(join(ws, 'runs', incumbent, 'checkpoints.json')).checkpoints.at(-1)!;
  expect(best).toEqual({ run_id: incumbent, checkpoint: last.name, sha256: last.sha256, step: last.step });
  expect(sha(join(ws, best.checkpoint))).toBe(best.sha256);
}

/** Deletes the projections (run files, checkpoints.json, models/*.json, journal) and rebuilds them: the same bytes come back. */
async function expectRebuildIdentical(ws: string): Promise<void> {
  const models = ['models/best.json', 'models/latest.json'].map((p) => readFileSync(join(ws, p), 'utf8'));
  const before = projectionHashes(ws);
  expect([...before.keys()].filter((p) => p.endsWith('checkpoints.json')).length).toBe(2);
  deleteProjectionFiles(ws);
  for (const p of ['models/best.json', 'models/latest.json']) rmSync(join(ws, p));
  expect(projectionHashes(ws).size).toBe(0);
  const r = await execa('node', [CLI, 'rebuild', '--workspace', ws], { reject: false });
  expect(r.exitCode, r.stderr).toBe(0);
  expect(projectionHashes(ws)).toEqual(before);
  expect(['models/best.json', 'models/latest.json'].map((p) => readFileSync(join(ws, p), 'utf8'))).toEqual(models);
}

describe('when the built-in trainer saves checkpoints in its run folder', () => {
  let ws: string;
  beforeAll(async () => {
    ws = copyShippedWorkspace();
    workspaces.push(ws);
    const baseline = readJson<{ train: Record<string, unknown> }>(join(ws, 'configs/baseline_quick.json'));
    baseline.train['total_timesteps'] = 8192;
    baseline.train['checkpoint_interval'] = 2;
    writeFileSync(join(ws, 'configs/baseline_quick.json'), JSON.stringify(baseline));
    await loop(ws, 2);
  });

  it('indexes each run into checkpoints.json and exposes every checkpoint by hard link with the recorded sha256', () => {
    const [first] = expectExposed(ws, ['001', '002']);
    expect(first!.dir).toBe('runs/001/checkpoints');
    expect(first!.checkpoints.map((c) => c.step)).toEqual([2, 4, 6, 8]);
    expect(first!.checkpoints.map((c) => c.path)).toEqual([2, 4, 6, 8].map((s) => `runs/001/checkpoints/model_${String(s).padStart(6, '0')}.json`));
    expect(first!.checkpoints.every((c) => c.via === 'link')).toBe(true);
  });

  it('points models/best at the exposed name of the incumbent final checkpoint', () => expectBestPointsIntoIndex(ws));

  it('rebuilds identical projections from the log', () => expectRebuildIdentical(ws));
});

describe('when PufferLib writes its checkpoints into a shared experiments/ folder (checkpoints.dir)', () => {
  let ws: string;
  beforeAll(async () => {
    expect(hasPython(), 'this test runs python3 from PATH').toBe(true);
    ws = copyExample();
    workspaces.push(ws);
    patchSettings(ws, { checkpoints: { dir: 'experiments' }, trainer: { env: { PYTHONPATH: FAKE_PUFFERLIB, PYTHONDONTWRITEBYTECODE: '1' } } });
    // The config names PufferLib's own default folder, so the example's script leaves the run folder out.
    const baseline = readJson<{ train: Record<string, unknown> }>(join(ws, 'configs/baseline_quick.json'));
    baseline.train['data_dir'] = 'experiments';
    writeFileSync(join(ws, 'configs/baseline_quick.json'), JSON.stringify(baseline));
    await loop(ws, 2);
  });

  it("indexes into each run only the files that run's trainer wrote, and exposes them under the run's names", () => {
    const indexes = expectExposed(ws, ['001', '002']);
    for (const index of indexes) {
      expect(index.dir).toBe('experiments');
      expect(index.checkpoints.every((c) => c.path.startsWith('experiments/') && existsSync(join(ws, c.path)))).toBe(true);
      // PufferLib's model_{env}_{epoch:06d}.pt carries the step; trainer_state.pt and the final {env}_{id}.pt do not.
      expect(index.checkpoints.at(-1)!.path).toMatch(/\/model_puffer_drone_pp_\d{6}\.pt$/);
      expect(index.checkpoints.at(-1)!.step).toBeGreaterThan(0);
    }
    const [a, b] = indexes.map((i) => new Set(i.checkpoints.map((c) => c.path)));
    expect([...a!].filter((p) => b!.has(p))).toEqual([]);
  });

  it('points models/best at the exposed name of the incumbent final checkpoint', () => expectBestPointsIntoIndex(ws));

  it('rebuilds identical projections from the log', () => expectRebuildIdentical(ws));
});
