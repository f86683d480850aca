import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, fakeTrainerWorkspace, patchSettings, ROOT } from '../support/workspace.js';

const AGENT = join(ROOT, 'test', 'fixtures', 'hostile-agent.mjs');
const MiB = 1024 * 1024;

type Logged = { seq: number; type: string; data: Record<string, unknown> };

async function events(ws: string): Promise<Logged[]> {
  const r = await execa('node', [CLI, 'events', '--json', '--workspace', ws]);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Logged);
}

/** The largest stored JSON of one event (data plus metadata, in bytes), read from the SQLite file itself. */
function largestEventBytes(ws: string): number {
  const db = new Database(join(ws, 'events.db'), { readonly: true });
  try {
    return db.prepare<[], number>('SELECT MAX(LENGTH(CAST(message_data AS BLOB)) + LENGTH(CAST(message_metadata AS BLOB))) FROM messages').pluck().get()!;
  } finally {
    db.close();
  }
}

const logBytes = (ws: string) => ['', '-wal'].reduce((n, s) => n + (statSync(join(ws, `events.db${s}`), { throwIfNoEntry: false })?.size ?? 0), 0);

describe('when a command proposer floods a proposal with 20,000 unknown keys (~200 KB)', () => {
  it('keeps every event small, the console line short, and states how many errors there were', async () => {
    const ws = fakeTrainerWorkspace();
    patchSettings(ws, {
      proposer: { kind: 'command', max_attempts: 2, command: { argv: [process.execPath, AGENT], env: { HOSTILE_AGENT_UNKNOWN_KEYS: '20000' } } },
    });
    const r = await execa('node', [CLI, 'loop', '--runs', '2', '--workspace', ws], { reject: false, all: true });
    // Two rejected attempts exhaust the proposer: the loop halts (exit 1) having lost nothing.
    expect(r.exitCode, r.all?.slice(0, 2000)).toBe(1);
    expect(readFileSync(join(ws, 'proposals', 'next_config.json')).length).toBeGreaterThan(200_000);

    expect(largestEventBytes(ws)).toBeLessThan(MiB);
    const log = await events(ws);
    const rejections = log.filter((e) => e.type === 'ProposalRejected');
    expect(rejections).toHaveLength(2);
    for (const e of rejections) {
      expect(e.data.errors).toHaveLength(100);
      expect(e.data.omitted).toBe(19_900);
    }
    // Each stored rejection is a few tens of KB, not the 11 MB of every error.
    const received = log.find((e) => e.type === 'ProposalReceived' && e.data.runId === '002');
    expect(Object.keys(received?.data.overrides as object)).toHaveLength(20_000);

    const lines = (r.stdout ?? '').split('\n');
    const rejected = lines.filter((l) => l.includes('proposal rejected'));
    expect(rejected).toHaveLength(2);
    for (const line of rejected) {
      expect(line.length).toBeLessThan(400);
      expect(line).toContain('proposal rejected with 20000 error(s): u00000 (unknown_key), u00001 (unknown_key)');
      expect(line).toContain('… and 19995 more (20000 in all)');
    }
    const proposed = lines.filter((l) => l.includes('command proposed'));
    expect(proposed.length).toBeGreaterThan(0);
    for (const line of proposed) expect(line.length).toBeLessThan(1000);
    for (const line of lines) expect(line.length).toBeLessThan(2000);
    expect(r.stdout).toMatch(/loop halted: run 002: no valid proposal after 2 attempt\(s\); last errors: u00000 \(unknown_key\).*… and 19995 more \(20000 in all\)/);

    const archive = JSON.parse(readFileSync(join(ws, 'proposals', 'run_002.json'), 'utf8')) as { proposals: { errors: unknown[]; errors_omitted?: number }[] };
    expect(archive.proposals.map((p) => [p.errors.length, p.errors_omitted])).toEqual([
      [100, 19_900],
      [100, 19_900],
    ]);
    // The second attempt's prompt states the whole count and lists the first errors only.
    const request = log.find((e) => e.type === 'ProposalRequested' && e.data.runId === '002' && e.data.attempt === 2);
    expect(request?.data.previousErrors).toHaveLength(100);
    expect(request?.data.previousOmitted).toBe(19_900);
    const prompt = (request?.data.prompt as { text: string }).text;
    expect(prompt).toContain('Attempt 1 for run 002 was rejected with 20000 error(s).');
    expect(prompt).toContain('… and 19950 more error(s) of the same proposal.');
    expect(prompt.length).toBeLessThan(100_000);

    const labbook = readFileSync(join(ws, 'journal', 'labbook.md'), 'utf8');
    for (const line of labbook.split('\n')) expect(line.length).toBeLessThan(2000);
  }, 60_000);
});

describe('when the proposal text itself has more problems than limits.max_problems (300 duplicate keys)', () => {
  it('keeps the first ones in ProposalReceived and ProposalRejected, counting the rest in both', async () => {
    const ws = fakeTrainerWorkspace();
    const text = `{"overrides": {${Array.from({ length: 301 }, () => '"train.gamma": 0.99').join(', ')}}, "rationale": "r", "hypothesis": "h"}`;
    patchSettings(ws, {
      limits: { max_problems: 10 },
      proposer: { kind: 'command', max_attempts: 1, command: { argv: [process.execPath, AGENT], env: { HOSTILE_AGENT_PROPOSAL: text } } },
    });
    const r = await execa('node', [CLI, 'loop', '--runs', '2', '--workspace', ws], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(1);
    const log = await events(ws);
    const received = log.find((e) => e.type === 'ProposalReceived' && e.data.runId === '002');
    expect(received?.data.problems).toHaveLength(10);
    expect(received?.data.problemsOmitted).toBe(290);
    const rejected = log.find((e) => e.type === 'ProposalRejected');
    expect((rejected?.data.errors as { rule: string }[]).map((e) => e.rule)).toEqual(Array.from({ length: 10 }, () => 'duplicate_key'));
    expect(rejected?.data.omitted).toBe(290);
    expect(r.stdout).toContain('proposal rejected with 300 error(s): train.gamma (duplicate_key)');
  }, 60_000);
});

describe('when a trainer reports 5,000,000 samples', () => {
  it('fails the run naming the metric, the count and the setting, and status stays fast', async () => {
    const ws = fakeTrainerWorkspace({ FAKE_TRAINER_SAMPLES: '5000000' });
    patchSettings(ws, { retries: { max_attempts: 1 } });
    const r = await execa('node', [CLI, 'loop', '--runs', '1', '--workspace', ws], { reject: false, all: true });
    expect(r.all).toContain(
      'run 001: attempt 1 FAILED (no-summary, exit 0): trainer_summary.json refused: samples.mean_reward holds 5000032 values, more than limits.max_samples (100000) in autopilot.json allows',
    );
    const log = await events(ws);
    expect(log.find((e) => e.type === 'RunFailed')?.data).toMatchObject({ reason: 'no-summary', message: expect.stringContaining('limits.max_samples (100000)') });
    // Refused outright: the log's metric line does not stand in for the summary.
    expect(log.some((e) => e.type === 'RunFinished')).toBe(false);

    expect(logBytes(ws)).toBeLessThan(2 * MiB);
    const t0 = performance.now();
    const status = await execa('node', [CLI, 'status', '--workspace', ws], { reject: false, timeout: 20_000 });
    expect(status.exitCode, status.stderr).toBe(0);
    expect(status.stdout).toContain('001');
    expect(performance.now() - t0).toBeLessThan(10_000);
  }, 60_000);
});
