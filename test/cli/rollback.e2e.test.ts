/**
 * A rollback between two real sessions: a three-run loop with the fake trainer (001 the baseline, 002
 * judged improved, its replication under way), a rollback to 002, then a second loop. That loop starts
 * on 002: its first proposal is based on 002's config and its first verdict compares against 002's
 * sample; replay shows the rollback and the session that started from it.
 */
import { execa } from 'execa';
import { projectionHashes } from '../support/chaos.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../support/cli-in-process.js';
import { loggedEvents as events, type LoggedEvent } from '../support/logged-events.js';
import { CLI, fakeTrainerWorkspace } from '../support/workspace.js';

const loop = async (ws: string, runs: number) => {
  const r = await execa('node', [CLI, 'loop', '--runs', String(runs), '--workspace', ws], { reject: false, all: true });
  expect(r.exitCode, String(r.all)).toBe(0);
};

describe('when a loop rolls back to run 002 and a second loop runs', () => {
  let ws: string;
  let log: LoggedEvent[];
  let rolledBack: LoggedEvent;
  let second: LoggedEvent[];
  const of = (type: string, runId?: string) => second.find((e) => e.type === type && (runId === undefined || e.data.runId === runId));

  beforeAll(async () => {
    ws = fakeTrainerWorkspace();
    await loop(ws, 3);
    const r = await runInProcess(['rollback', '002', '--why', 'keep the faster learning rate', '--by', 'night-shift', '--workspace', ws]);
    expect(r.code, r.stderr).toBe(0);
    await loop(ws, 1);
    log = await events(ws);
    rolledBack = log.find((e) => e.type === 'RolledBack')!;
    second = log.filter((e) => e.seq > rolledBack.seq);
  }, 240_000);

  it('was a history where 001 was the incumbent and 002 was under replication', () => {
    const before = log.filter((e) => e.seq < rolledBack.seq);
    expect(before.filter((e) => e.type === 'IncumbentChanged').every((e) => e.data.runId === '001')).toBe(true);
    expect(before.find((e) => e.type === 'RunEvaluated' && e.data.runId === '002')?.data.verdict).toBe('improved');
    expect(rolledBack.data).toMatchObject({ to: '002', previous: '001', by: 'night-shift', why: 'keep the faster learning rate' });
  });

  it('starts the next session on 002, with the replication it left dropped', () => {
    const started = of('LoopStarted')!;
    expect((started.data.incumbent as { runId: string }).runId).toBe('002');
    expect(started.data.replication).toBeUndefined();
    expect(of('RunPlanned')?.data).toMatchObject({ runId: '004', kind: 'proposal' });
  });

  it("bases its first proposal on 002's config", () => {
    const accepted = of('ProposalAccepted', '004')!;
    const config002 = log.find((e) => e.type === 'ProposalAccepted' && e.data.runId === '002')!.data.config as Record<string, Record<string, unknown>>;
    expect(accepted.data.base).toBe('002');
    // Every key the proposal left alone keeps 002's value.
    const changed = new Set((accepted.data.diff as { key: string }[]).map((d) => d.key));
    const config004 = accepted.data.config as Record<string, Record<string, unknown>>;
    for (const [k, v] of Object.entries(config002.train!)) if (!changed.has(`train.${k}`)) expect(config004.train![k], k).toEqual(v);
  });

  it("compares its first run against 002's sample", () => {
    const evaluated = of('RunEvaluated', '004')!;
    const finished002 = log.find((e) => e.type === 'RunFinished' && e.data.runId === '002')!.data as { samples: Record<string, number[]> };
    const sample = finished002.samples['mean_reward']!;
    expect(evaluated.data.incumbent).toEqual({ runId: '002', mean: sample.reduce((a, b) => a + b, 0) / sample.length, n: sample.length });
  });

  it('leaves the projection files a rebuild from the log gives, byte for byte', async () => {
    const before = projectionHashes(ws);
    const r = await runInProcess(['rebuild', '--workspace', ws]);
    expect(r.code, r.stderr).toBe(0);
    expect(projectionHashes(ws)).toEqual(before);
  });

  it('shows the rollback, and the session that started from it, in replay', async () => {
    const at = await runInProcess(['replay', '--at', String(rolledBack.seq), '--workspace', ws]);
    expect(at.code, at.stderr).toBe(0);
    expect(at.stdout).toContain('rolled back to run 002 (night-shift)');
    const next = JSON.parse((await runInProcess(['replay', '--at', String(of('LoopStarted')!.seq), '--workspace', ws, '--json'])).stdout);
    expect(next.machine.context.incumbent.runId).toBe('002');
    expect(next.view.incumbent.run_id).toBe('002');
  });
});
