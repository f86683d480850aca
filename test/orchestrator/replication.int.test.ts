import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';

const AGENT = join(ROOT, 'test', 'fixtures', 'hostile-agent.mjs');

/** Runs `autopilot loop --runs N` once per entry of `sessions` on a fake-trainer workspace whose proposer always proposes lr 0.003; returns the log. */
async function loopAndLog(ws: string, sessions: string[]): Promise<Logged[]> {
  patchSettings(ws, { proposer: { kind: 'command', command: { argv: [process.execPath, AGENT] } } });
  for (const runs of sessions) {
    const r = await execa('node', [CLI, 'loop', '--runs', runs, '--workspace', ws], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
  }
  return (await execa('node', [CLI, 'events', '--json', '--workspace', ws])).stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Logged);
}

interface Logged {
  seq: number;
  type: string;
  data: Record<string, unknown> & { runId?: string };
}

describe('when a proposal improves on the incumbent and replication is on (statistics.replicates 1)', () => {
  let ws: string;
  let log: Logged[];
  const of = (type: string, runId?: string) => log.filter((e) => e.type === type && (runId === undefined || e.data.runId === runId));

  beforeAll(async () => {
    // The fake trainer peaks at learning rate 0.003; the baseline's 1e-4 scores far lower.
    ws = fakeTrainerWorkspace();
    log = await loopAndLog(ws, ['3']);
  });

  it('does not promote the improvement at once, and plans a replicate of it instead of asking the proposer', () => {
    expect(of('RunEvaluated', '002')[0]!.data.verdict).toBe('improved');
    expect(of('JournalWritten', '002')[0]!.data.replication).toEqual({ parent: '002', reason: 'improved', target: 1, done: 0, decision: 'replicate' });
    const between = log.filter((e) => e.seq > of('RunEvaluated', '002')[0]!.seq && e.seq < of('RunPlanned', '003')[0]!.seq);
    expect(between.filter((e) => e.type === 'IncumbentChanged')).toEqual([]);
    expect(of('RunPlanned', '003')[0]!.data).toMatchObject({ kind: 'replicate', parent: '002' });
    expect(of('ProposalReceived', '003')[0]!.data).toMatchObject({ proposer: 'replicate', overrides: of('ProposalAccepted', '002')[0]!.data.override });
  });

  it('runs the replicate with the same config under a fresh seed', () => {
    const config = (id: string) => JSON.parse(readFileSync(join(ws, 'runs', id, 'config.json'), 'utf8'));
    expect(config('003').train.learning_rate).toBe(config('002').train.learning_rate);
    expect(config('003').train.seed).not.toBe(config('002').train.seed);
    expect(of('ProposalAccepted', '003')[0]!.data.normalizations).toContainEqual(expect.objectContaining({ key: 'train.seed', rule: 'replicate:fresh_seed' }));
  });

  it('judges the replicate on the pooled sample and promotes the parent once it confirms', () => {
    expect(of('RunEvaluated', '003')[0]!.data).toMatchObject({ verdict: 'improved', pooled: ['002', '003'], candidate: { n: 64 }, incumbent: { runId: '001', n: 32 } });
    expect(of('JournalWritten', '003')[0]!.data.replication).toMatchObject({ parent: '002', done: 1, decision: 'confirmed' });
    const promoted = of('IncumbentChanged').map((e) => e.data);
    expect(promoted.map((d) => [d.runId, (d.incumbent as { n: number }).n])).toEqual([
      ['001', 32],
      ['002', 64],
    ]);
    const best = JSON.parse(readFileSync(join(ws, 'runs/best.json'), 'utf8'));
    expect(best).toMatchObject({ run_id: '002', n: 64, previous: '001' });
  });

  it('states each verdict in the labbook with its interval and sample sizes', () => {
    const lines = readFileSync(join(ws, 'journal/labbook.md'), 'utf8').split('\n');
    const run = (id: string) => lines.find((l) => l.includes(`| run ${id} (`))!;
    expect(run('001')).toMatch(/baseline: mean_reward [\d.]+ \(n=32\) -> incumbent/);
    expect(run('002')).toMatch(/improved: \+[\d.]+ \[[\d.]+, [\d.]+\] vs 001 \(n=32\/32\); replicate 1 time\(s\) before promoting; incumbent stays 001/);
    expect(run('003')).toMatch(/\(replicate of 002\).*improved: \+[\d.]+ \[[\d.]+, [\d.]+\] vs 001 \(n=64\/32\); replicate 1 of 1 of 002: confirmed -> incumbent 002/);
  });

  it('shows the replicate and its verdict in the audit', async () => {
    const a = JSON.parse((await execa('node', [CLI, 'audit', '003', '--json', '--workspace', ws])).stdout);
    const steps = JSON.stringify(a);
    expect(steps).toContain('"kind":"replicate"');
    expect(steps).toContain('"parent":"002"');
    const text = (await execa('node', [CLI, 'audit', '003', '--workspace', ws])).stdout;
    expect(text).toMatch(/interval of the gain \[[\d.]+, [\d.]+\] \(bootstrap-percentile, 10000 resamples, seed \d+\)/);
    expect(text).toMatch(/Welch t=[\d.]+ df=[\d.]+ p=/);
  });
});

describe('when a session ends with a replication under way', () => {
  let ws: string;
  let log: Logged[];
  const of = (type: string, runId?: string) => log.filter((e) => e.type === type && (runId === undefined || e.data.runId === runId));

  beforeAll(async () => {
    ws = fakeTrainerWorkspace();
    // Two runs: 002 improves and wants a replicate the session has no run left for.
    log = await loopAndLog(ws, ['2', '1']);
  });

  it('carries it into the next session, which replicates before proposing anything new', () => {
    const started = of('LoopStarted');
    expect(started).toHaveLength(2);
    expect(started[0]!.data.replication).toBeUndefined();
    expect(started[1]!.data.replication).toMatchObject({ parent: '002', reason: 'improved', target: 1, done: 0, runs: ['002'] });
    expect((started[1]!.data.replication as { sample: number[] }).sample).toHaveLength(32);
    expect(of('RunPlanned', '003')[0]!.data).toMatchObject({ kind: 'replicate', parent: '002' });
  });

  it('promotes the parent once the replicate confirms it', () => {
    expect(of('JournalWritten', '003')[0]!.data.replication).toMatchObject({ parent: '002', done: 1, decision: 'confirmed' });
    expect(of('IncumbentChanged').map((e) => [e.data.runId, (e.data.incumbent as { n: number }).n])).toEqual([
      ['001', 32],
      ['002', 64],
    ]);
  });
});
