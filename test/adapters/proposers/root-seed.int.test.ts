/**
 * The root seed of the built-in and random proposers, through the real CLI on real logs: drawn
 * once per workspace and recorded in LoopStarted, or given (proposer.seed, --seed); every proposal
 * derives from it, and a later session reuses the one the log recorded.
 */
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy, workspacePaths } from '../../../adapters/workspace.js';
import { proposeRandom } from '../../../domain/proposers/random.js';
import { proposalSeed } from '../../../domain/proposers/seed.js';
import { readLogDirect } from '../../support/chaos.js';
import { CLI, fakeTrainerWorkspace, patchSettings } from '../../support/workspace.js';

const run = (args: string[]) => execa('node', [CLI, ...args], { reject: false });

interface Logged {
  seq: number;
  type: string;
  data: { runId?: string; attempt?: number; seed?: number | null; overrides?: unknown; session?: string; proposerSeed?: { value: number; source: string } };
}

/** The log's events of `type`, read from events.db (a Node start less than `events --json --type` each time). */
async function events(ws: string, type: string): Promise<Logged[]> {
  return Promise.resolve(readLogDirect(ws).filter((e) => e.type === type) as Logged[]);
}

async function loop(ws: string, ...args: string[]): Promise<void> {
  const r = await run(['loop', '--workspace', ws, '--json', ...args]);
  expect(r.exitCode, r.stderr).toBe(0);
}

/** Loops two runs on a fresh copy of the shipped workspace (no proposer.seed) and returns it. */
async function fresh(args: string[] = [], seed?: number): Promise<string> {
  const ws = fakeTrainerWorkspace({}, { proposerSeed: null });
  // No replicates: every run after the baseline is the proposer's.
  patchSettings(ws, { statistics: { replicates: 0 }, ...(seed === undefined ? {} : { proposer: { seed } }) });
  await loop(ws, '--runs', '2', ...args);
  return ws;
}

const proposal = async (ws: string, runId: string) => (await events(ws, 'ProposalReceived')).find((e) => e.data.runId === runId)!.data;
const started = async (ws: string) => (await events(ws, 'LoopStarted')).map((e) => e.data);

describe('when workspaces loop with and without a proposer seed', () => {
  let a: string, b: string, settings: string, option: string;
  beforeAll(async () => {
    [a, b, settings, option] = await Promise.all([fresh(), fresh(), fresh([], 12345), fresh(['--seed', '12345'])]);
  });

  it('draws a seed for each fresh workspace, records it in LoopStarted, and the first proposals differ', async () => {
    const [sa] = await started(a);
    const [sb] = await started(b);
    expect(sa!.proposerSeed).toMatchObject({ source: 'drawn', value: expect.any(Number) });
    expect(sb!.proposerSeed!.source).toBe('drawn');
    expect(sa!.proposerSeed!.value).not.toBe(sb!.proposerSeed!.value);
    expect((await proposal(a, '002')).overrides).not.toEqual((await proposal(b, '002')).overrides);
  });

  it('proposes the same run 002 for the same seed, from autopilot.json or from --seed', async () => {
    expect((await started(settings))[0]!.proposerSeed).toEqual({ value: 12345, source: 'settings' });
    expect((await started(option))[0]!.proposerSeed).toEqual({ value: 12345, source: 'option' });
    const [p, q] = [await proposal(settings, '002'), await proposal(option, '002')];
    expect(p.seed).toBe(proposalSeed(12345, '0001', '002', 1));
    expect(q).toEqual(p);
  });

  it('reuses the recorded seed in a later session, and --seed there overrides it', async () => {
    await loop(a, '--runs', '1', '--proposer', 'random');
    const [first, second] = await started(a);
    expect(second!.proposerSeed).toEqual({ value: first!.proposerSeed!.value, source: 'log' });
    // The recorded seeds replay: the random proposal is a function of the root seed, the session and the run.
    const secondSeq = (await events(a, 'LoopStarted'))[1]!.seq;
    const p = (await events(a, 'ProposalReceived')).find((e) => e.seq > secondSeq && e.data.seed !== null)!.data;
    expect(p.seed).toBe(proposalSeed(first!.proposerSeed!.value, '0002', p.runId!, p.attempt!));
    expect(p.overrides).toEqual(proposeRandom(loadPolicy(workspacePaths(a)), p.seed!).overrides);
    await loop(a, '--runs', '1', '--seed', '7');
    expect((await started(a))[2]!.proposerSeed).toEqual({ value: 7, source: 'option' });
  });
});

// Independent CLI calls: at once.
describe.concurrent('when the seed is asked about or given wrong', () => {
  it('documents --seed in loop --help', async () => {
    const r = await run(['loop', '--help']);
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/--seed <n> root seed of every draw of the builtin and random proposers .* recorded in LoopStarted/);
  });

  it('refuses --seed outside [0, 2^32) naming the range', async () => {
    for (const bad of ['4294967296', '1.5']) {
      const r = await run(['loop', '--workspace', '/nonexistent', '--seed', bad]);
      expect(r.exitCode, bad).toBe(2);
      expect(r.stderr).toContain(`--seed must be an integer from 0 to 4294967295, got "${bad}"`);
    }
  });

  it('refuses proposer.seed that is not a 32-bit unsigned integer, before anything is recorded', async () => {
    const ws = fakeTrainerWorkspace({}, { proposerSeed: null });
    patchSettings(ws, { proposer: { seed: 2 ** 32 } });
    const r = await run(['loop', '--workspace', ws]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('proposer.seed: proposer.seed must be an integer from 0 to 4294967295');
  });
});
