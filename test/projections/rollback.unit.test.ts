/** The rollback as the pure folds see it: the target it installs, the view, the labbook, the audit, status and the inspector's rows. */
import { describe, expect, it } from 'vitest';
import { catalogueCodec, streamOf, type AutopilotEvent, type DataOf } from '../../events/catalogue.js';
import type { StoredEvent } from '../../events/store.js';
import { foldRollbackHistory, rollbackTarget } from '../../projections/rollback.js';
import { foldView } from '../../projections/view.js';
import { labbookText } from '../../projections/labbook-text.js';
import { replicationFacts } from '../../projections/pending-replication.js';
import { pendingReplication } from '../../domain/judging/pending-replication.js';
import { auditRun } from '../../projections/audit/fold.js';
import { renderAudit } from '../../projections/audit/render.js';
import { foldSummary, summaryReport } from '../../projections/summary.js';
import { foldRows, rowsOf, rowsOfView } from '../../projections/inspector/rows.js';
import { parseRows, RowsState, serializeRows } from '../../projections/inspector/rows-snapshot.js';
import { describeEvent } from '../../orchestrator/output.js';
import { sampleOf } from '../../domain/judging/sample.js';
import { isAutopilotError } from '../../domain/errors.js';
import { historyEvents } from '../support/history-events.js';
import { promptVars } from '../../projections/prompt.js';
import { foldForPlots } from '../../projections/plot/fold.js';
import { loadPolicy, loadSettings, workspacePaths } from '../../adapters/workspace.js';
import { ROOT } from '../support/workspace.js';
import { join } from 'node:path';

/** loop-3: baseline 001 (the incumbent, re-measured by 003), 002 judged improved with its replication left under way. */
const base = historyEvents('loop-3');

/** The history with `e` appended as the store would (next seq, its stream), decoded by the catalogue. */
function withEvent(events: StoredEvent<AutopilotEvent>[], e: AutopilotEvent): StoredEvent<AutopilotEvent>[] {
  const decoded = catalogueCodec.decode({ type: e.type, data: e.data, metadata: e.metadata, schemaVersion: 1 });
  const last = events.at(-1)!;
  const streamId = streamOf(decoded);
  const position = events.filter((s) => s.streamId === streamId).length + 1;
  return [...events, { ...last, seq: last.seq + 1, streamId, streamPosition: position, event: decoded }];
}

function rollbackTo(runId: string, extra: Partial<DataOf<'RolledBack'>> = {}): StoredEvent<AutopilotEvent>[] {
  const target = rollbackTarget(foldRollbackHistory(base), runId);
  const data: DataOf<'RolledBack'> = { to: runId, previous: target.previous, why: 'the improvement did not hold up', by: 'tester', incumbent: target.incumbent, ...extra };
  return withEvent(base, { type: 'RolledBack', data, metadata: { session: target.session, at: '2026-12-07T18:00:00.000Z' } });
}

function finishedOf(runId: string): DataOf<'RunFinished'> {
  const f = base.find((s) => s.event.type === 'RunFinished' && s.event.data.runId === runId)!.event;
  if (f.type !== 'RunFinished') throw new Error('not a RunFinished');
  return f.data;
}

function refusal(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    if (isAutopilotError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('not refused');
}

describe('the target of a rollback', () => {
  it('is a run never promoted with its own sample and its config as an override of the baseline', () => {
    const t = rollbackTarget(foldRollbackHistory(base), '002');
    const accepted = foldView(base).runs.get('002')!.accepted!;
    expect(t.previous).toBe('001');
    expect(t.session).toBe('0001');
    expect(t.incumbent).toEqual({
      runId: '002',
      metric: 'mean_reward',
      mean: expect.any(Number),
      n: 32,
      sample: sampleOf(finishedOf('002'), 'mean_reward'),
      override: Object.fromEntries(Object.entries(accepted.override).sort(([a], [b]) => (a < b ? -1 : 1))),
    });
  });

  it('refuses an unknown run, the incumbent itself, and a run not evaluated, saying why', () => {
    const h = foldRollbackHistory(base);
    expect(refusal(() => rollbackTarget(h, '009'))).toMatchObject({ code: 'not-found', message: expect.stringContaining('no run 009 in the log; runs are 001..003') });
    expect(refusal(() => rollbackTarget(h, '001'))).toMatchObject({ code: 'usage', message: expect.stringContaining('run 001 is the incumbent already') });
    // A run planned and never finished has no sample to compare against.
    const planned = withEvent(base, { type: 'RunPlanned', data: { runId: '004', index: 4, kind: 'proposal', mode: 'quick' }, metadata: { session: '0001', at: '2026-12-07T18:00:00.000Z' } });
    expect(refusal(() => rollbackTarget(foldRollbackHistory(planned), '004'))).toMatchObject({
      code: 'failed',
      message: expect.stringContaining('run 004 has no evaluated sample of mean_reward'),
    });
    const failed = withEvent(planned, {
      type: 'RunFailed',
      data: { runId: '004', attempt: 1, reason: 'crashed', exitCode: 1, signal: null, durationMs: 10, message: 'segfault' },
      metadata: { session: '0001', at: '2026-12-07T18:00:01.000Z' },
    });
    expect(refusal(() => rollbackTarget(foldRollbackHistory(failed), '004'))).toMatchObject({ code: 'failed', message: expect.stringContaining('run 004 failed (crashed: segfault)') });
  });

  it('refuses while an unfinished session holds a run judged and not journaled, and allows it once it is', () => {
    // loop-3 cut after run 003's RunEvaluated: its session never ended, and 003 waits for its journal step.
    const evaluated = base.findIndex((s) => s.event.type === 'RunEvaluated' && s.event.data.runId === '003');
    const crashed = base.slice(0, evaluated + 1);
    expect(refusal(() => rollbackTarget(foldRollbackHistory(crashed), '002'))).toMatchObject({
      code: 'failed',
      message: expect.stringContaining('run 003 of the unfinished session 0001 was judged against the incumbent of then and is not journaled yet; resume it'),
    });
    const journaled = base.findIndex((s) => s.event.type === 'JournalWritten' && s.event.data.runId === '003');
    expect(rollbackTarget(foldRollbackHistory(base.slice(0, journaled + 1)), '002').incumbent.runId).toBe('002');
  });
});

describe('when a rollback to run 002 is folded', () => {
  const events = rollbackTo('002');

  it('makes 002 the incumbent in the view, saying who and why', () => {
    const view = foldView(events);
    expect(view.incumbent?.ref.runId).toBe('002');
    expect(view.incumbent?.previous).toBe('001');
    expect(view.incumbent?.rolledBack).toEqual({ why: 'the improvement did not hold up', by: 'tester', lastJournaled: '003' });
  });

  it('ends the replication the last session left under way (it was judged against 001)', () => {
    const before = foldView(base);
    expect(pendingReplication(replicationFacts(before), 'mean_reward')).not.toBeNull();
    expect(pendingReplication(replicationFacts(foldView(events)), 'mean_reward')).toBeNull();
  });

  it('writes a labbook line and a loop line naming the run, its sample, who and why', () => {
    const entry = foldView(events).labbook.at(-1)!;
    expect(labbookText(entry)).toEqual({
      at: '2026-12-07T18:00:00.000Z',
      action: 'roll back to run 002 (tester)',
      observation: expect.stringMatching(/^mean_reward 395\.8\d* \(n=32\)$/),
      outcome: 'incumbent 002, replacing 001',
      next: "propose on run 002's config; the improvement did not hold up",
    });
    expect(describeEvent(events.at(-1)!.event)).toMatch(/^rolled back to run 002 \(tester\): mean_reward 395\.8\d* \(n=32\): the improvement did not hold up$/);
  });

  it('names the restored files and the commit when the inputs were restored', () => {
    const restored = rollbackTo('002', { restored: { tag: 'autopilot/run-002', commit: 'a'.repeat(40), files: ['policy.json', 'prompts/proposer.md'] } });
    expect(labbookText(foldView(restored).labbook.at(-1)!).observation).toMatch(/; restored policy\.json, prompts\/proposer\.md from autopilot\/run-002 \(aaaaaaaaaaaa\)$/);
  });

  it("is a step of run 002's audit, which says it was made the incumbent again", () => {
    const found = auditRun(events, '002');
    if (!found.found) throw new Error('no audit');
    expect(found.audit.steps.at(-1)).toMatchObject({ type: 'RolledBack', by: 'tester', why: 'the improvement did not hold up', previous: '001', n: 32 });
    const text = renderAudit(found.audit);
    expect(text).toContain('incumbent:  run 002 was made the incumbent again by a rollback (tester, replacing 001)');
    expect(text).toContain('rolled back to this run by tester');
  });

  it("steps the progress chart's incumbent line back to 002", () => {
    expect(foldForPlots(events).log.incumbents.at(-1)).toMatchObject({ runId: '002', at: 3 });
  });

  it('shows 002 as the incumbent in the status summary', () => {
    expect(summaryReport(foldSummary(events)).incumbent).toMatchObject({ run_id: '002', n: 32 });
  });

  it("marks 002's row in the inspector, the same from the rows fold, the view and a snapshot", () => {
    const rows = rowsOf(foldRows(events));
    const mark = { at: '2026-12-07T18:00:00.000Z', by: 'tester', why: 'the improvement did not hold up' };
    expect(rows.find((r) => r.id === '002')?.rolledBack).toEqual(mark);
    expect(rows.filter((r) => r.rolledBack !== undefined).map((r) => r.id)).toEqual(['002']);
    expect(rows.map(({ rolledBack: _r, ...rest }) => rest)).toEqual(rowsOf(foldRows(base)));
    expect(JSON.stringify(rowsOfView(foldView(events)))).toBe(JSON.stringify(rows));
    const fold = foldRows(events);
    expect(parseRows(serializeRows(fold))).toEqual(fold);
    expect(RowsState.parse(JSON.parse(serializeRows(fold)))).toEqual(JSON.parse(serializeRows(fold)));
  });

  it('tells the proposer that 002 is the incumbent again by a rollback, and why', () => {
    const shipped = workspacePaths(join(ROOT, 'autopilot'));
    const vars = promptVars({
      view: foldView(events),
      policy: loadPolicy(shipped),
      settings: loadSettings(shipped),
      runId: '004',
      attempt: 1,
      previousErrors: [],
      mcp: false,
      workspace: '/ws',
    });
    expect(vars.incumbent).toMatch(
      /^Run 002: mean_reward 395\.8\d* \(n=32\), incumbent since .*, replacing 001 \(made the incumbent again by a rollback, tester: "the improvement did not hold up"\)\.\n/,
    );
  });
});
