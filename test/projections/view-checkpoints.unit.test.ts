import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkpointPointers, evolveView, emptyView, type WorkspaceView } from '../../projections/view.js';
import { LogBuilder } from './support.js';

/** The definition the pointers have always had: the last run, in the runs' order, whose last checkpoint names one. */
function scanned(view: WorkspaceView): { runId: string; path: string } | null {
  let latest: { runId: string; path: string } | null = null;
  for (const r of view.runs.values()) {
    const last = r.finished?.checkpoints?.at(-1);
    if (last) latest = { runId: r.runId, path: last };
  }
  return latest;
}

const ids = ['001', '002', '003', '004', '005', '006'];
const paths = ['', 'models/a.pt', 'models/b.pt', 'models/c.pt'];
const op = fc.oneof(
  fc.record({ kind: fc.constant('plan' as const), run: fc.constantFrom(...ids) }),
  fc.record({ kind: fc.constant('finish' as const), run: fc.constantFrom(...ids), checkpoints: fc.option(fc.array(fc.constantFrom(...paths), { maxLength: 3 }), { nil: undefined }) }),
  fc.record({ kind: fc.constant('prune' as const), run: fc.constantFrom(...ids), removed: fc.array(fc.constantFrom(...paths), { maxLength: 3 }) }),
);

describe("the checkpoint pointers' latest run, kept by the fold", () => {
  it('equals a scan of every run after any sequence of plans, finishes (retries, empty lists) and prunes', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const log = new LogBuilder();
        let view = emptyView();
        let index = 0;
        for (const o of ops) {
          if (o.kind !== 'plan' && !view.runs.has(o.run)) continue;
          if (o.kind === 'plan') log.add('RunPlanned', { runId: o.run, index: ++index, kind: 'proposal', mode: 'quick' });
          else if (o.kind === 'finish')
            log.add('RunFinished', {
              runId: o.run,
              attempt: 1,
              exitCode: 0,
              durationMs: 1,
              summarySource: 'summary',
              metrics: {},
              samples: {},
              ...(o.checkpoints ? { checkpoints: o.checkpoints } : {}),
            });
          else log.add('CheckpointsPruned', { runId: o.run, strategy: 'latest', removed: o.removed, kept: [] });
          view = evolveView(view, log.events.at(-1)!);
          expect(checkpointPointers(view).latest).toEqual(scanned(view));
        }
      }),
      { seed: 16, numRuns: 400 },
    );
  });

  it('falls back to an earlier run when the latest one loses its checkpoints', () => {
    const log = new LogBuilder();
    let view = emptyView();
    const add = (...a: Parameters<LogBuilder['add']>) => {
      log.add(...a);
      view = evolveView(view, log.events.at(-1)!);
    };
    const finished = (runId: string, checkpoints: string[]) =>
      add('RunFinished', { runId, attempt: 1, exitCode: 0, durationMs: 1, summarySource: 'summary', metrics: {}, samples: {}, checkpoints });
    add('RunPlanned', { runId: '001', index: 1, kind: 'baseline', mode: 'quick' });
    finished('001', ['models/001.pt']);
    add('RunPlanned', { runId: '002', index: 2, kind: 'proposal', mode: 'quick' });
    finished('002', ['models/002.pt']);
    expect(checkpointPointers(view).latest).toEqual({ runId: '002', path: 'models/002.pt' });
    add('CheckpointsPruned', { runId: '002', strategy: 'best', removed: ['models/002.pt'], kept: ['models/001.pt'] });
    expect(checkpointPointers(view).latest).toEqual({ runId: '001', path: 'models/001.pt' });
  });
});
