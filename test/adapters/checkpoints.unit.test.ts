import { describe, expect, it } from 'vitest';
import { checkpointsToPrune } from '../../adapters/checkpoints.js';
import { emptyView, type RunView, type WorkspaceView } from '../../projections/view.js';

function view(incumbent: string): WorkspaceView {
  const v = emptyView();
  for (const id of ['001', '002', '003']) {
    const r = {
      runId: id,
      journal: { status: 'completed' },
      finished: { checkpoints: [`runs/${id}/checkpoints/model_000010.json`, `runs/${id}/checkpoints/model_000020.json`] },
    } as unknown as RunView;
    // As the fold would: each run's place in the map, and the newest run with a checkpoint.
    v.runOrdinal.set(id, v.runs.size);
    v.runs.set(id, r);
    v.latestCheckpoint = id;
  }
  v.incumbent = { ref: { runId: incumbent, metric: 'm', mean: 1, n: 1, sample: [1], override: {} }, previous: null, changedAt: '', seq: 1 };
  return v;
}

describe('when checkpoints are pruned after a run is journaled', () => {
  it('keeps everything under all', () => {
    expect(checkpointsToPrune(view('002'), 'all').removed).toEqual([]);
  });

  it('keeps only the incumbent’s final checkpoint under best', () => {
    const { removed, kept } = checkpointsToPrune(view('002'), 'best');
    expect(kept).toEqual(['runs/002/checkpoints/model_000020.json']);
    expect(removed).toHaveLength(5);
  });

  it('keeps the latest run’s and the incumbent’s final checkpoints under latest', () => {
    const { removed, kept } = checkpointsToPrune(view('001'), 'latest');
    expect(kept.sort()).toEqual(['runs/001/checkpoints/model_000020.json', 'runs/003/checkpoints/model_000020.json']);
    expect(removed).toHaveLength(4);
  });

  it('never touches a run that is not journaled yet', () => {
    const v = view('002');
    (v.runs.get('003') as { journal: unknown }).journal = null;
    expect(checkpointsToPrune(v, 'best').removed.some((p) => p.startsWith('runs/003'))).toBe(false);
  });

  it('keeps the final checkpoint of a candidate whose replication is under way, whatever the strategy', () => {
    const v = view('001');
    (v.runs.get('003') as { journal: unknown }).journal = {
      status: 'completed',
      replication: { parent: '002', reason: 'improved', target: 1, done: 0, decision: 'replicate' },
    };
    expect(checkpointsToPrune(v, 'best').kept.sort()).toEqual(['runs/001/checkpoints/model_000020.json', 'runs/002/checkpoints/model_000020.json']);
    (v.runs.get('003') as { journal: { replication: { decision: string } } }).journal.replication.decision = 'not-confirmed';
    expect(checkpointsToPrune(v, 'best').kept).toEqual(['runs/001/checkpoints/model_000020.json']);
  });
});
