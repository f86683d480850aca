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
    loopConsoles.push(r.stdout);
  }
  return (await execa('node', [CLI, 'events', '--json', '--workspace', ws])).stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Logged);
}

/** The console of each `autopilot loop` that loopAndLog ran, in order. */
const loopConsoles: string[] = [];

interface Logged {
  seq: number;
  type: string;
  data: Record<string, unknown> & { runId?: string };
}

describe('when a proposal improves on the incumbent (statistics.replicates 1, independent confirmation)', () => {
  let ws: string;
  let log: Logged[];
  const of = (type: string, runId?: string) => log.filter((e) => e.type === type && (runId === undefined || e.data.runId === runId));

  beforeAll(async () => {
    // The fake trainer peaks at learning rate 0.003; the baseline's 1e-4 scores far lower.
    ws = fakeTrainerWorkspace();
    log = await loopAndLog(ws, ['4']);
  });

  it('does not promote the improvement at once: it re-runs the incumbent, then replicates the candidate, asking no proposer', () => {
    expect(of('RunEvaluated', '002')[0]!.data.verdict).toBe('improved');
    expect(of('JournalWritten', '002')[0]!.data.replication).toEqual({ parent: '002', reason: 'improved', target: 1, done: 0, decision: 'replicate' });
    expect(of('RunPlanned', '003')[0]!.data).toMatchObject({ kind: 'replicate', parent: '001' });
    expect(of('ProposalReceived', '003')[0]!.data).toMatchObject({
      proposer: 'replicate',
      rationale: expect.stringMatching(/^re-run 1 of 1 of the incumbent 001 before replicate 1 of 1 of run 002/),
    });
    expect(of('RunPlanned', '004')[0]!.data).toMatchObject({ kind: 'replicate', parent: '002' });
    expect(of('ProposalReceived', '004')[0]!.data).toMatchObject({ proposer: 'replicate', overrides: of('ProposalAccepted', '002')[0]!.data.override });
  });

  it('adds the incumbent re-run to the incumbent’s sample, and judges the replicate on its own sample against that re-run only', () => {
    expect(of('RunEvaluated', '003')[0]!.data).toMatchObject({ verdict: 'baseline', incumbent: null, candidate: { n: 32 } });
    expect(of('JournalWritten', '003')[0]!.data.replication).toEqual({ parent: '002', reason: 'improved', target: 1, done: 0, decision: 'replicate', remeasures: ['003'] });
    const judged = of('RunEvaluated', '004')[0]!.data;
    expect(judged).toMatchObject({ verdict: 'improved', against: ['003'], candidate: { n: 32 }, incumbent: { runId: '001', n: 32 }, sidedness: 'one-sided', alpha: 0.025 });
    expect(judged.pooled).toBeUndefined();
    expect(of('JournalWritten', '004')[0]!.data.replication).toMatchObject({ parent: '002', done: 1, decision: 'confirmed', confirmations: ['004'] });
  });

  it('promotes the parent with its replicate’s sample, not the first one that selected it', () => {
    const promoted = of('IncumbentChanged').map((e) => e.data);
    expect(promoted.map((d) => [d.runId, (d.incumbent as { n: number }).n])).toEqual([
      ['001', 32],
      ['001', 64],
      ['002', 32],
    ]);
    const runSample = (id: string) => (of('RunFinished', id)[0]!.data.samples as Record<string, number[]>).mean_reward;
    expect((promoted[2]!.incumbent as { sample: number[] }).sample).toEqual(runSample('004'));
    expect(JSON.parse(readFileSync(join(ws, 'runs/best.json'), 'utf8'))).toMatchObject({ run_id: '002', n: 32, previous: '001' });
  });

  it('states each step in the labbook, and the session’s error budget', () => {
    const text = readFileSync(join(ws, 'journal/labbook.md'), 'utf8');
    const lines = text.split('\n');
    const run = (id: string) => lines.find((l) => l.includes(`| run ${id} (`))!;
    expect(text).toMatch(
      /\| started; at most 0\.19% chance of promoting a config no better than the incumbent \(3 comparisons x 2\.5% screening x 2\.5% per confirmation on fresh samples\) \|/,
    );
    expect(run('002')).toMatch(/improved: \+[\d.]+ \[[\d.]+, [\d.]+\] vs 001 \(n=32\/32\); replicate 1 time\(s\) before promoting; incumbent stays 001/);
    expect(run('003')).toMatch(/\(re-run of the incumbent 001\).*re-run of the incumbent 001 for the confirmation of 002: mean_reward [\d.]+ \(n=32\); incumbent 001 now [\d.]+ \(n=64\)/);
    expect(run('004')).toMatch(/\(replicate of 002\).*improved: \+[\d.]+ \[[\d.]+, [\d.]+\] vs 001 \(n=32\/32\); replicate 1 of 1 of 002 on its own sample: confirmed -> incumbent 002/);
  });

  it('says on the console what a re-run of the incumbent did', () => {
    expect(loopConsoles.at(-1)).toMatch(/^run 003: a re-run of the incumbent 001 for the confirmation of 002: mean_reward [\d.]+ \(n=32\)$/m);
    expect(loopConsoles.at(-1)).toMatch(/^run 001: incumbent re-measured: mean_reward [\d.]+ \(n=64\)$/m);
    expect(loopConsoles.at(-1)).toMatch(/^run 002: new incumbent \(mean_reward [\d.]+\)$/m);
  });

  it('states the error budget in status, and recomputes every verdict bit for bit', async () => {
    const status = (await execa('node', [CLI, 'status', '--workspace', ws])).stdout;
    expect(status).toMatch(/\n {2}error budget: at most 0\.19% chance of promoting/);
    const verify = await execa('node', [CLI, 'verify', '--verdicts', '--workspace', ws], { reject: false, all: true });
    expect(verify.exitCode, verify.all).toBe(0);
    expect(verify.all).toMatch(/4 verdict/);
  });

  it('shows the replicate and its verdict in the audit', async () => {
    const a = JSON.parse((await execa('node', [CLI, 'audit', '004', '--json', '--workspace', ws])).stdout);
    const steps = JSON.stringify(a);
    expect(steps).toContain('"kind":"replicate"');
    expect(steps).toContain('"parent":"002"');
    const text = (await execa('node', [CLI, 'audit', '004', '--workspace', ws])).stdout;
    expect(text).toMatch(/interval of the gain \[[\d.]+, [\d.]+\] \(Welch's t, with a studentized permutation test: 10000 permutations, seed \d+\)/);
    expect(text).toMatch(/Welch t=[\d.]+ df=[\d.]+ p=/);
  });
});

describe('when replication pools with the sample that selected it (statistics.confirmation "pooled", the old rule)', () => {
  let log: Logged[];
  const of = (type: string, runId?: string) => log.filter((e) => e.type === type && (runId === undefined || e.data.runId === runId));

  beforeAll(async () => {
    const ws = fakeTrainerWorkspace();
    patchSettings(ws, { statistics: { confirmation: 'pooled' } });
    log = await loopAndLog(ws, ['3']);
  });

  it('replicates at once, judges the pooled sample and promotes the parent with it', () => {
    expect(of('RunPlanned', '003')[0]!.data).toMatchObject({ kind: 'replicate', parent: '002' });
    expect(of('RunEvaluated', '003')[0]!.data).toMatchObject({ verdict: 'improved', pooled: ['002', '003'], candidate: { n: 64 }, incumbent: { runId: '001', n: 32 } });
    expect(of('IncumbentChanged').map((e) => [e.data.runId, (e.data.incumbent as { n: number }).n])).toEqual([
      ['001', 32],
      ['002', 64],
    ]);
    expect(of('LoopStarted')[0]!.data.errorControl).toMatchObject({ bound: null });
  });
});

describe('when a session ends with a replication under way', () => {
  let log: Logged[];
  const of = (type: string, runId?: string) => log.filter((e) => e.type === type && (runId === undefined || e.data.runId === runId));

  beforeAll(async () => {
    const ws = fakeTrainerWorkspace();
    // 002 improves; the first session ends after the incumbent's re-run 003, before the replicate.
    log = await loopAndLog(ws, ['3', '1']);
  });

  it('carries it, with the incumbent re-run already made, into the next session, which replicates before proposing anything new', () => {
    const started = of('LoopStarted');
    expect(started).toHaveLength(2);
    expect(started[0]!.data.replication).toBeUndefined();
    expect(started[1]!.data.replication).toMatchObject({ parent: '002', reason: 'improved', target: 1, done: 0, runs: ['002'], remeasures: ['003'] });
    expect((started[1]!.data.replication as { remeasureSample: number[] }).remeasureSample).toHaveLength(32);
    expect(of('RunPlanned', '004')[0]!.data).toMatchObject({ kind: 'replicate', parent: '002' });
    expect(of('RunEvaluated', '004')[0]!.data).toMatchObject({ against: ['003'] });
  });

  it('says at the end of the first session what is under way, and nothing at the end of the second', () => {
    const [first, second] = loopConsoles.slice(-2);
    expect(first).toContain(
      'under way: run 002 improved on the incumbent and needs 1 more replicate before it can replace it (statistics.replicates); the next autopilot loop runs them before proposing anything new',
    );
    expect(second).not.toContain('under way:');
  });

  it('promotes the parent once the replicate confirms it', () => {
    expect(of('JournalWritten', '004')[0]!.data.replication).toMatchObject({ parent: '002', done: 1, decision: 'confirmed' });
    expect(of('IncumbentChanged').map((e) => [e.data.runId, (e.data.incumbent as { n: number }).n])).toEqual([
      ['001', 32],
      ['001', 64],
      ['002', 32],
    ]);
  });
});
