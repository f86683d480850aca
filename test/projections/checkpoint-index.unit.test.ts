import { describe, expect, it } from 'vitest';
import { evolveView, emptyView, checkpointPointers, knownCheckpoints, type WorkspaceView } from '../../projections/view.js';
import { latestIndexedCheckpoint } from '../../projections/checkpoint-index.js';
import { renderAll, renderModelPointers } from '../../projections/render.js';
import { checkpointsToPrune } from '../../adapters/checkpoints.js';
import type { IndexedCheckpoint } from '../../events/checkpoint-events.js';
import { LogBuilder } from './support.js';

const sha = (c: string) => c.repeat(64);
const entry = (runId: string, step: number | null, c: string, path = `runs/${runId}/checkpoints/model_${step}.json`): IndexedCheckpoint => ({
  path,
  name: `runs/${runId}/checkpoints/${runId}-s7-${step ?? 'x'}.json`,
  step,
  size: 10,
  sha256: sha(c),
  seed: 7,
  via: 'link',
});

function fold(log: LogBuilder): WorkspaceView {
  let view = emptyView();
  for (const e of log.events) view = evolveView(view, e);
  return view;
}

function finished(log: LogBuilder, runId: string, checkpoints: string[]) {
  log.add('RunFinished', { runId, attempt: 1, exitCode: 0, durationMs: 1, summarySource: 'summary', metrics: {}, samples: {}, checkpoints });
}

describe('the checkpoint index projection', () => {
  it('renders runs/<id>/checkpoints.json from CheckpointsIndexed: path, name, step, size, sha256, seed and run', () => {
    const log = new LogBuilder();
    log.add('RunPlanned', { runId: '001', index: 1, kind: 'baseline', mode: 'quick' });
    log.add('CheckpointsIndexed', {
      runId: '001',
      attempt: 1,
      dir: 'runs/001/checkpoints',
      checkpoints: [entry('001', 1, 'a'), entry('001', 2, 'b')],
      skipped: [{ path: 'runs/001/checkpoints/link', reason: 'symlink: not followed or opened' }],
    });
    const files = renderAll(fold(log));
    const index = JSON.parse(files.get('runs/001/checkpoints.json')!);
    expect(index.run_id).toBe('001');
    expect(index.dir).toBe('runs/001/checkpoints');
    expect(index.checkpoints).toEqual([
      { name: 'runs/001/checkpoints/001-s7-1.json', path: 'runs/001/checkpoints/model_1.json', step: 1, size: 10, sha256: sha('a'), seed: 7, run: '001', via: 'link' },
      { name: 'runs/001/checkpoints/001-s7-2.json', path: 'runs/001/checkpoints/model_2.json', step: 2, size: 10, sha256: sha('b'), seed: 7, run: '001', via: 'link' },
    ]);
    expect(index.skipped).toEqual([{ path: 'runs/001/checkpoints/link', reason: 'symlink: not followed or opened' }]);
  });

  it('points models/best and models/latest at the exposed name of the final checkpoint, with its sha256', () => {
    const log = new LogBuilder();
    log.add('RunPlanned', { runId: '001', index: 1, kind: 'baseline', mode: 'quick' });
    log.add('CheckpointsIndexed', { runId: '001', attempt: 1, dir: 'runs/001/checkpoints', checkpoints: [entry('001', 1, 'a'), entry('001', 2, 'b')] });
    finished(log, '001', ['runs/001/checkpoints/model_1.json', 'runs/001/checkpoints/model_2.json']);
    log.add('IncumbentChanged', { runId: '001', previous: null, incumbent: { runId: '001', metric: 'score', mean: 1, n: 1, sample: [1], override: {} } });
    const view = fold(log);
    const pointers = renderModelPointers(view);
    expect(JSON.parse(pointers.get('models/best.json')!)).toEqual({ run_id: '001', checkpoint: 'runs/001/checkpoints/001-s7-2.json', sha256: sha('b'), step: 2 });
    expect(JSON.parse(pointers.get('models/latest.json')!)).toEqual({ run_id: '001', checkpoint: 'runs/001/checkpoints/001-s7-2.json', sha256: sha('b'), step: 2 });
    expect(knownCheckpoints(view)).toContain('runs/001/checkpoints/001-s7-1.json');
  });

  it("keeps pointers of logs from before indexing as they were (RunFinished's last checkpoint, no hash)", () => {
    const log = new LogBuilder();
    log.add('RunPlanned', { runId: '001', index: 1, kind: 'baseline', mode: 'quick' });
    finished(log, '001', ['runs/001/checkpoints/model_000002.json']);
    expect(renderModelPointers(fold(log)).get('models/latest.json')).toBe('{\n  "run_id": "001",\n  "checkpoint": "runs/001/checkpoints/model_000002.json"\n}\n');
  });

  it("answers a run's latest indexed checkpoint (what eval resolves), finished or failed, and none once pruned", () => {
    const log = new LogBuilder();
    log.add('RunPlanned', { runId: '001', index: 1, kind: 'baseline', mode: 'quick' });
    expect(latestIndexedCheckpoint(fold(log), '001')).toBeNull();
    log.add('CheckpointsIndexed', {
      runId: '001',
      attempt: 1,
      dir: 'experiments',
      checkpoints: [entry('001', null, 'c', 'experiments/x/trainer_state.pt'), entry('001', 3, 'd', 'experiments/x/model_000003.pt')],
    });
    expect(latestIndexedCheckpoint(fold(log), '001')).toEqual({ runId: '001', path: 'runs/001/checkpoints/001-s7-3.json', sha256: sha('d'), step: 3 });
    expect(latestIndexedCheckpoint(fold(log), '002')).toBeNull();
    log.add('CheckpointsPruned', { runId: '001', strategy: 'best', removed: ['runs/001/checkpoints/001-s7-3.json'], kept: [] });
    expect(latestIndexedCheckpoint(fold(log), '001')?.step).toBeNull();
  });

  it("prunes exposed names the strategy does not keep, never the incumbent's, and never a shared folder's files", () => {
    const log = new LogBuilder();
    for (const [runId, index] of [
      ['001', 1],
      ['002', 2],
    ] as const) {
      log.add('RunPlanned', { runId, index, kind: 'baseline', mode: 'quick' });
      log.add('CheckpointsIndexed', {
        runId,
        attempt: 1,
        dir: 'experiments',
        checkpoints: [entry(runId, 1, 'a', `experiments/${runId}/model_1.pt`), entry(runId, 2, 'b', `experiments/${runId}/model_2.pt`)],
      });
      finished(log, runId, []);
      log.add('JournalWritten', { runId, status: 'completed', action: 'a', observation: 'o', outcome: 'x', next: 'n' });
    }
    log.add('IncumbentChanged', { runId: '001', previous: null, incumbent: { runId: '001', metric: 'score', mean: 1, n: 1, sample: [1], override: {} } });
    const plan = checkpointsToPrune(fold(log), 'best');
    expect(plan.kept).toEqual(['runs/001/checkpoints/001-s7-2.json']);
    expect(plan.removed.sort()).toEqual(['runs/001/checkpoints/001-s7-1.json', 'runs/002/checkpoints/002-s7-1.json', 'runs/002/checkpoints/002-s7-2.json']);
    expect(plan.removed.some((p) => p.startsWith('experiments/'))).toBe(false);
    log.add('CheckpointsPruned', { runId: '002', strategy: 'best', ...plan });
    const view = fold(log);
    expect(checkpointPointers(view).latest).toMatchObject({ runId: '001', path: 'runs/001/checkpoints/001-s7-2.json' });
    expect(JSON.parse(renderAll(view).get('runs/002/checkpoints.json')!).checkpoints).toEqual([]);
  });
});
