import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { observationsOf } from '../../../adapters/proposers/tpe.js';
import { catalogueCodec } from '../../../events/catalogue.js';
import { openSqliteStore } from '../../../adapters/store/sqlite-store.js';
import { workspacePaths } from '../../../adapters/workspace.js';
import { foldView } from '../../../projections/view.js';
import { CLI, fakeTrainerWorkspace, patchSettings } from '../../support/workspace.js';

interface Logged {
  type: string;
  data: Record<string, unknown> & { runId?: string };
}

const RUNS = 10;

describe('when the loop runs the built-in optimizer (proposer.kind "builtin", a TPE)', () => {
  let ws: string;
  let log: Logged[];
  beforeAll(async () => {
    ws = fakeTrainerWorkspace();
    // Every proposal is judged at once, so each run after the first is the proposer's.
    patchSettings(ws, { proposer: { kind: 'builtin', max_attempts: 1 }, statistics: { replicates: 0 } });
    const r = await execa('node', [CLI, 'loop', '--runs', String(RUNS), '--workspace', ws], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    log = (await execa('node', [CLI, 'events', '--json', '--workspace', ws])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Logged);
  }, 120_000);

  it('proposes every run after the baseline, with its seed recorded, and the validator never rejects it', () => {
    const received = log.filter((e) => e.type === 'ProposalReceived');
    expect(received.map((e) => e.data.runId)).toEqual(Array.from({ length: RUNS - 1 }, (_, i) => String(i + 2).padStart(3, '0')));
    for (const e of received) {
      expect(e.data.proposer).toBe('builtin');
      expect(typeof e.data.seed).toBe('number');
    }
    expect(log.filter((e) => e.type === 'ProposalRejected')).toEqual([]);
  });

  it('explores at random until five runs have a score, then proposes from the model, saying why', () => {
    const rationales = log.filter((e) => e.type === 'ProposalReceived').map((e) => String(e.data.rationale));
    expect(rationales.slice(0, 4).every((r) => r.startsWith('explore:') && r.includes('startup'))).toBe(true);
    const modelled = rationales.slice(5);
    expect(modelled.length).toBeGreaterThan(0);
    for (const r of modelled) expect(r).toMatch(/^(exploit: near \d{3}|explore: wide kernel around \d{3}|explore: broad|explore: from \d{3})/);
  });

  it('warm-starts from every journaled run of the log: configs as run, own scores, failures as null', () => {
    const store = openSqliteStore(workspacePaths(ws).events, catalogueCodec, { readonly: true });
    const view = foldView(store.readAll());
    store.close();
    const obs = observationsOf(view, ['train.learning_rate', 'train.gamma'], 'mean_reward', '010');
    expect(obs.map((o) => o.runId)).toEqual(['001', '002', '003', '004', '005', '006', '007', '008', '009']);
    for (const o of obs) {
      expect(o.value).toBeTypeOf('number');
      expect(o.overrides['train.learning_rate']).toBe((view.runs.get(o.runId)!.accepted!.config as { train: { learning_rate: number } }).train.learning_rate);
    }
    // A failed run stays in the history as a bad observation.
    const failed = view.runs.get('005')!;
    failed.journal = { ...failed.journal!, status: 'failed' };
    expect(observationsOf(view, ['train.learning_rate'], 'mean_reward', '010').find((o) => o.runId === '005')!.value).toBeNull();
    // …unless it failed for a reason not of its config's making: then it says nothing of the config.
    for (const reason of ['cannot-start', 'metric-missing', 'killed', 'orphaned'] as const) {
      failed.failures = [{ runId: '005', attempt: 1, reason, exitCode: null, signal: null, durationMs: 1, message: 'x', at: failed.journal.at }];
      expect(
        observationsOf(view, ['train.learning_rate'], 'mean_reward', '010').map((o) => o.runId),
        reason,
      ).not.toContain('005');
    }
    failed.failures = [{ runId: '005', attempt: 1, reason: 'crashed', exitCode: 1, signal: null, durationMs: 1, message: 'x', at: failed.journal.at }];
    expect(observationsOf(view, ['train.learning_rate'], 'mean_reward', '010').find((o) => o.runId === '005')!.value).toBeNull();
  });
});
