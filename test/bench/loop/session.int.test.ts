import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportEvents, type SessionResult } from '../../../bench/loop/results.js';
import { runSession } from '../../../bench/loop/session.js';
import { simulateLoopSession } from '../../../bench/loop/sim.js';
import { episodeSample, noiseSeed } from '../../../bench/loop/trainer-core.js';
import { OPTUNA_PROPOSER, type LoopMethod } from '../../../bench/loop/workspace.js';
import { loopObjectives } from '../../../bench/objectives/multimodal.js';
import { OptunaServer, optunaSpace, optunaVersion, PYTHON } from '../../../bench/proposers/optuna.js';
import { flattenConfig } from '../../../domain/config/config.js';

// The Optuna session needs Debian's python3-optuna for /usr/bin/python3, which `npm run test:all` and .ci/run
// install; without it these tests fail (never skip), naming the package.
const optuna = optunaVersion();
const ackley = loopObjectives()[0]!;
const RUNS = 8;
const SEED = 4;
/** A seed whose Optuna session replicates a run within RUNS runs, so the in-process check covers the replicates' fresh seeds. */
const OPTUNA_SEED = 10;

/** Checks what a session read back against the workspace's own files: baseline first, samples as the trainer drew them. */
function checkSession(result: SessionResult & { workspace: string }, seed = SEED): void {
  expect(result.runs.map((r) => r.runId)).toEqual(Array.from({ length: RUNS }, (_, i) => String(i + 1).padStart(3, '0')));
  const first = result.runs[0]!;
  expect(first.kind).toBe('baseline');
  const base = flattenConfig(ackley.baseline);
  expect(first.config).toEqual(Object.fromEntries(Object.keys(ackley.policy.keys).map((k) => [k, base[k]])));
  expect(first.regret).toBeCloseTo(ackley.f(ackley.baseline), 12);
  for (const r of result.runs) {
    const summary = JSON.parse(readFileSync(join(result.workspace, 'runs', r.runId, 'trainer_summary.json'), 'utf8')) as {
      train: { seed: number };
      samples: { mean_reward: number[] };
    };
    expect(r.sample).toEqual(summary.samples.mean_reward);
    // f of the config as read back, plus the trainer's seeded noise, is exactly what the trainer reported.
    expect(r.sample).toEqual(episodeSample(noiseSeed(seed, r.runId, summary.train.seed), -r.regret, ackley.noiseSd, ackley.episodes));
  }
  expect(result.rejected).toBe(0);
}

async function session(method: LoopMethod, seed = SEED) {
  const s = await runSession({ objective: ackley, method, seed, runs: RUNS }, true);
  return { ...s, cleanup: () => rmSync(dirname(s.workspace), { recursive: true, force: true }) };
}

// The sessions are independent loops in their own workspaces that wait on their processes: run at once.
describe.concurrent('when the loop suite runs a session through the real loop', () => {
  it('reads the built-in and random sessions back: baseline first, values as the trainer drew them, the same noise at the same run id', async () => {
    const [builtin, random] = await Promise.all([session('builtin'), session('random')]);
    try {
      checkSession(builtin);
      checkSession(random);
      // Run 001 is the same baseline under the same noise for every method.
      expect(random.runs[0]!.sample).toEqual(builtin.runs[0]!.sample);
      // The built-in's startup draws may match random search's for the same seed; its model's proposals do not.
      expect(random.runs.map((r) => r.config)).not.toEqual(builtin.runs.map((r) => r.config));
      // The in-process suite (--suite sim) makes the very same runs: kinds, configs, samples, regrets.
      for (const s of [builtin, random]) expect(await simulateLoopSession({ objective: ackley, method: s.spec.method, seed: SEED, runs: RUNS }, null)).toEqual({ runs: s.runs, rejected: 0 });
    } finally {
      builtin.cleanup();
      random.cleanup();
    }
  });

  it('runs Optuna as a command proposer whose proposals pass validation and differ from each other', async () => {
    expect(optuna).toMatchObject({ ok: true });
    const optunaSession = await session('optuna', OPTUNA_SEED);
    try {
      checkSession(optunaSession, OPTUNA_SEED);
      const proposals = optunaSession.runs.filter((r) => r.kind === 'proposal');
      expect(proposals.length).toBeGreaterThanOrEqual(RUNS - 3);
      expect(optunaSession.runs.some((r) => r.kind === 'replicate' || r.kind === 'rerun')).toBe(true);
      expect(new Set(proposals.map((r) => JSON.stringify(r.config))).size).toBe(proposals.length);
      // Replicates are accepted proposals too (of the loop's own), so only the proposals' runs are Optuna's.
      const ids = new Set(proposals.map((r) => r.runId));
      const accepted = exportEvents(optunaSession.workspace).filter((e) => e.type === 'ProposalAccepted' && ids.has(e.data['runId'] as string));
      expect(accepted.length).toBe(proposals.length);
      for (const e of accepted) expect(e.data['rationale']).toContain(`Optuna ${optuna.ok ? optuna.version : '?'} TPESampler(multivariate=True`);
      const server = new OptunaServer();
      try {
        const sim = await simulateLoopSession({ objective: ackley, method: 'optuna', seed: OPTUNA_SEED, runs: RUNS }, server);
        expect(sim).toEqual({ runs: optunaSession.runs, rejected: 0 });
      } finally {
        server.close();
      }
    } finally {
      optunaSession.cleanup();
    }
  });

  it('searches the same Optuna space as the core suite', () => {
    for (const o of loopObjectives()) {
      const out = execFileSync(PYTHON, [OPTUNA_PROPOSER, '--space', '-'], { input: JSON.stringify(o.policyJson), encoding: 'utf8' });
      expect(JSON.parse(out), o.name).toEqual(optunaSpace(o.policy).space);
    }
  });
});
