import { describe, expect, it } from 'vitest';
import { DecidedSession } from '../../../bench/decisions/engine.js';
import { parseSettings } from '../../../domain/config/settings.js';

const stats = parseSettings({ trainer: { command: ['x'] }, metric: { name: 'score', direction: 'maximize' }, timeouts: { quick: { wall_seconds: 60, no_output_seconds: 60 } } }).statistics;
const values = (mean: number, n = 16) => Array.from({ length: n }, (_, i) => mean + (i % 2 === 0 ? 1 : -1));

describe('when the engine decides a session as the loop would', () => {
  it('starts with the baseline, asks for proposals, and confirms a clear improvement by a re-run of the incumbent and a replicate before promoting it', () => {
    const s = new DecidedSession(10, stats);
    const first = s.next();
    expect(first).toEqual({ runId: '001', kind: 'baseline', parent: null, override: {} });
    s.record({ ...first, override: { lr: 1 } }, values(10));
    expect(s.incumbent?.runId).toBe('001');

    const flat = s.next();
    expect(flat).toEqual({ runId: '002', kind: 'proposal', parent: null, override: null });
    s.record({ ...flat, override: { lr: 2 } }, values(10));
    const better = s.next();
    expect(better.kind).toBe('proposal');
    s.record({ ...better, override: { lr: 3 } }, values(20));
    expect(s.incumbent?.runId).toBe('001');

    // Independent confirmation (the default): the incumbent is re-run first, then the candidate replicated.
    const rerun = s.next();
    expect(rerun).toMatchObject({ runId: '004', kind: 'replicate', parent: '001', override: { lr: 1 } });
    expect(s.record({ ...rerun, override: rerun.override! }, values(10)).rerun).toBe(true);
    const replicate = s.next();
    expect(replicate).toMatchObject({ runId: '005', kind: 'replicate', parent: '003', override: { lr: 3 } });
    expect(s.record({ ...replicate, override: replicate.override! }, values(20)).rerun).toBe(false);
    expect(s.incumbent).toMatchObject({ runId: '003', override: { lr: 3 } });
    expect(s.promotedAt).toBe(5);
    expect(s.next().kind).toBe('proposal');
    expect(s.runs.map((r) => r.kind)).toEqual(['baseline', 'proposal', 'proposal', 'replicate', 'replicate']);
  });

  it('keeps the incumbent when the replicate does not confirm the improvement', () => {
    const s = new DecidedSession(10, stats);
    for (const [override, mean] of [
      [{ lr: 1 }, 10],
      [{ lr: 3 }, 20],
    ] as const) {
      const n = s.next();
      s.record({ ...n, override }, values(mean));
    }
    for (const mean of [10, 10]) {
      const n = s.next();
      expect(n.kind).toBe('replicate');
      s.record({ ...n, override: n.override! }, values(mean));
    }
    expect(s.incumbent?.runId).toBe('001');
    expect(s.next().kind).toBe('proposal');
  });
});
