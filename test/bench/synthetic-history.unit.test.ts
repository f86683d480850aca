import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { checkAgainstMachine, syntheticHistory, type SyntheticOptions } from '../../bench/synthetic-history.js';
import { AutopilotEvent } from '../../events/catalogue.js';
import { loadBaseline, loadPolicy, loadSettings, workspacePaths } from '../../adapters/workspace.js';
import { foldView } from '../../projections/view.js';
import { renderAll } from '../../projections/render.js';
import { ROOT } from '../support/workspace.js';
import { asStored } from '../projections/support.js';

const paths = workspacePaths(join(ROOT, 'autopilot'));

function options(runs: number, runsPerSession: number): SyntheticOptions {
  return {
    runs,
    runsPerSession,
    seed: 7,
    workspace: '/tmp/bench/autopilot',
    policy: loadPolicy(paths),
    baselines: { quick: loadBaseline(paths, 'quick'), full: loadBaseline(paths, 'full') },
    trainerCommand: loadSettings(paths).trainer.command,
  };
}

function all(o: SyntheticOptions) {
  return [...syntheticHistory(o)];
}

describe('the synthetic history of the history benchmark', () => {
  // 600 runs in sessions of 20: 30+ sessions, enough to reach every rare path it plants.
  const batches = all(options(600, 20));
  const events = batches.flatMap((b) => b.events);

  it('has one batch per run, in order, covering the runs asked for', () => {
    expect(batches.map((b) => b.index)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(events.filter((e) => e.type === 'RunPlanned')).toHaveLength(600);
  });

  it('holds only events the catalogue accepts', () => {
    for (const e of events) expect(() => AutopilotEvent.parse(e)).not.toThrow();
  });

  it('agrees with the loop machine, session by session', () => {
    expect(checkAgainstMachine(events)).toEqual([]);
  });

  it('has the rare paths: rejections, proposer failures, retries, failed runs, resumes, stops', () => {
    const types = new Set(events.map((e) => e.type));
    for (const t of ['ProposalRejected', 'ProposalFailed', 'RunFailed', 'IncumbentChanged', 'LockTakenOver', 'LoopResumed', 'RunReattached', 'StopRequested', 'LoopHalted'])
      expect(types, t).toContain(t);
    const journals = events.filter((e) => e.type === 'JournalWritten');
    expect(journals.some((e) => e.data.status === 'failed')).toBe(true);
    expect(events.some((e) => e.type === 'RunFailed' && e.data.reason === 'orphaned')).toBe(true);
  });

  it('keeps time moving forward and folds into a view that renders', () => {
    const at = events.map((e) => Date.parse(e.metadata.at));
    for (let i = 1; i < at.length; i++) expect(at[i]!).toBeGreaterThanOrEqual(at[i - 1]!);
    const view = foldView(asStored(events));
    expect(view.runs.size).toBe(600);
    expect([...view.sessions.values()].every((s) => s.status !== 'running')).toBe(true);
    expect(renderAll(view).size).toBeGreaterThan(3600);
  });

  // Each run's verdict is a 10,000-resample bootstrap: generating 600 runs again takes seconds.
  it('is deterministic', { timeout: 60_000 }, () => {
    expect(JSON.stringify(all(options(600, 20)))).toBe(JSON.stringify(batches));
  });
});
