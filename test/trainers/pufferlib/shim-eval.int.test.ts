/**
 * The PufferLib shim's `--eval-only --load-checkpoint PATH --eval.episodes N --eval.seed S` (what
 * `autopilot eval` appends) against the fake `pufferlib`: it hands PufferLib the checkpoint as
 * `puffer eval` takes it (`--load-model-path`), builds one env and the policy as `puffer eval` does,
 * plays one episode per seed and writes the summary with one value per seed.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairedBootstrap } from '../../../domain/stats/paired.js';
import { parseTrainerSummary, type TrainerSummary } from '../../../domain/trainer-io/trainer-summary.js';
import { fakeCalls, hasPython, spawnShim } from './support.js';

const tmp = mkdtempSync(join(tmpdir(), 'puffer-shim-eval-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const TRAIN = ['train', 'puffer_drone_pp', '--train.checkpoint-interval', '1'];

let runs = 0;
function shim(args: string[], env: Record<string, string> = {}) {
  const n = ++runs;
  const summaryPath = join(tmp, `summary-${n}.json`);
  const record = join(tmp, `record-${n}.jsonl`);
  const r = spawnShim(args, { PUFFER_AUTOPILOT_RUN_DIR: join(tmp, `run-${n}`), PUFFER_AUTOPILOT_SUMMARY: summaryPath, FAKE_PUFFERLIB_RECORD: record, ...env });
  const summary = (): TrainerSummary & { eval?: unknown; checkpoint?: unknown } => {
    const text = readFileSync(summaryPath, 'utf8');
    const parsed = parseTrainerSummary(text);
    if (!parsed.ok) throw new Error(parsed.problem);
    // The contract's fields as autopilot reads them, and the shim's own beside them.
    const raw = JSON.parse(text) as { eval?: unknown; checkpoint?: unknown };
    return { ...parsed.summary, eval: raw.eval, checkpoint: raw.checkpoint };
  };
  return { ...r, summary, calls: () => fakeCalls(record) };
}

function evaluate(checkpoint: string, seed: number, env: Record<string, string> = {}) {
  return shim([...TRAIN, '--eval-only', '--load-checkpoint', checkpoint, '--eval.episodes', '12', '--eval.seed', String(seed)], env);
}

describe('when the shim evaluates an early and a late checkpoint of a fake PufferLib run', () => {
  let early: string;
  let late: string;
  beforeAll(() => {
    expect(hasPython(), 'these tests run python3 from PATH').toBe(true);
    const trained = shim(TRAIN);
    expect(trained.status, trained.stderr).toBe(0);
    const root = join(tmp, 'run-1', 'checkpoints');
    const folder = readdirSync(root).find((f) => !f.endsWith('.pt'))!;
    const models = readdirSync(join(root, folder))
      .filter((f) => f.startsWith('model_'))
      .sort();
    early = join(root, folder, models[0]!);
    late = join(root, folder, models.at(-1)!);
  });

  it('hands PufferLib the checkpoint as --load-model-path, and none of the eval flags, and asks for one env', () => {
    const r = evaluate(late, 1000, { FAKE_PUFFERLIB_EXPECT_ARGV: JSON.stringify(['--train.checkpoint-interval', '1', '--load-model-path', late]) });
    expect(r.status, r.stderr).toBe(0);
    const [call] = r.calls();
    expect(call!.loaded_model).toMatchObject({ kind: 'fake-pufferlib-model', epoch: 4 });
    expect(call!.args.vec).toEqual({ backend: 'Serial', num_envs: 1 });
  });

  it('writes the summary with one value per seed, the seeds and the checkpoint', () => {
    const s = evaluate(early, 1000).summary();
    expect(s.samples!['score']).toHaveLength(12);
    expect(s.samples!['episode_length']).toHaveLength(12);
    expect(s.metrics['score']).toBeCloseTo(s.samples!['score']!.reduce((a, b) => a + b, 0) / 12, 9);
    expect(s.eval).toEqual({ episodes: 12, seed: 1000 });
    expect(s.checkpoint).toBe(early);
  });

  it('plays episode i from seed S + i: the same seeds give the same values, one seed later shifts them by one', () => {
    const a = evaluate(early, 5000).summary().samples!['score']!;
    expect(evaluate(early, 5000).summary().samples!['score']).toEqual(a);
    expect(evaluate(early, 5001).summary().samples!['score']!.slice(0, 11)).toEqual(a.slice(1));
  });

  it('finds the late checkpoint better than the early one seed by seed', () => {
    const e = evaluate(early, 7000).summary().samples!['score']!;
    const l = evaluate(late, 7000).summary().samples!['score']!;
    const paired = pairedBootstrap(l, e, { direction: 'maximize', seed: 1 });
    expect(paired.verdict).toBe('improved');
    expect(paired.interval![0]).toBeGreaterThan(0);
  });

  it('refuses --eval-only without a checkpoint (exit 2), and fails (exit 4) on one PufferLib cannot load', () => {
    const none = shim([...TRAIN, '--eval-only']);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('--eval-only needs --load-checkpoint PATH');
    const missing = evaluate(join(tmp, 'nope.pt'), 1);
    expect(missing.status).toBe(4);
    expect(missing.stderr).toMatch(/evaluating .*nope\.pt raised FileNotFoundError/);
  });
});
