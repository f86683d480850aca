import { describe, expect, it } from 'vitest';
import type { ReplayReport } from '../../../inspector/api.js';
import { childPath, diffValues, sameValue, showValue, whatChanged } from '../../../inspector/web/at-diff.js';

describe('diffValues', () => {
  it('names each added, removed and changed leaf by its path, old and new values beside it', () => {
    const before = { a: 1, b: { c: 'x', d: [1, 2] }, gone: true, same: { k: null } };
    const after = { a: 2, b: { c: 'x', d: [1, 3] }, same: { k: null }, fresh: { z: 0 } };
    expect(diffValues(before, after)).toEqual([
      { path: 'a', kind: 'changed', before: 1, after: 2 },
      { path: 'b.d', kind: 'changed', before: [1, 2], after: [1, 3] },
      { path: 'fresh', kind: 'added', after: { z: 0 } },
      { path: 'gone', kind: 'removed', before: true },
    ]);
  });

  it('goes into lists of objects index by index, and treats null to an object as one change', () => {
    const before = {
      runs: [
        { id: '001', status: 'completed' },
        { id: '002', status: 'in progress' },
      ],
      run: null,
    };
    const after = {
      runs: [
        { id: '001', status: 'completed' },
        { id: '002', status: 'completed' },
        { id: '003', status: 'in progress' },
      ],
      run: { id: '003' },
    };
    expect(diffValues(before, after)).toEqual([
      { path: 'runs[1].status', kind: 'changed', before: 'in progress', after: 'completed' },
      { path: 'runs[2]', kind: 'added', after: { id: '003', status: 'in progress' } },
      { path: 'run', kind: 'changed', before: null, after: { id: '003' } },
    ]);
    expect(diffValues({ runs: [{ id: '1' }] }, { runs: [] })).toEqual([{ path: 'runs', kind: 'changed', before: [{ id: '1' }], after: [] }]);
  });

  it('finds nothing between equal values, whatever their key order', () => {
    expect(diffValues({ a: { x: 1, y: [{ p: 1 }] } }, { a: { y: [{ p: 1 }], x: 1 } })).toEqual([]);
    expect(sameValue({ x: 1, y: 2 }, { y: 2, x: 1 })).toBe(true);
    expect(sameValue({ x: 1 }, { x: 1, y: undefined })).toBe(false);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
  });

  it('quotes keys that are not plain names', () => {
    expect(childPath('', 'a')).toBe('a');
    expect(childPath('overrides', 'train.gamma')).toBe('overrides["train.gamma"]');
    expect(childPath('runs', 3)).toBe('runs[3]');
    expect(diffValues({ o: { 'train.gamma': 0.9 } }, { o: { 'train.gamma': 0.99 } })).toEqual([{ path: 'o["train.gamma"]', kind: 'changed', before: 0.9, after: 0.99 }]);
  });
});

describe('whatChanged', () => {
  const report = (state: string, runsCompleted: number, runs: { run_id: string; status: string }[]): ReplayReport =>
    ({
      seq: 1,
      machine: { state, status: 'active', context: { runsCompleted, run: null }, session: '0001', from_seq: 1, to_seq: 1 },
      view: { events: 1, runs },
    }) as unknown as ReplayReport;

  it('diffs the machine state and status, its context and the view, and sees everything added at the first event', () => {
    const a = report('launching', 0, [{ run_id: '001', status: 'in progress' }]);
    const b = report('evaluating', 1, [{ run_id: '001', status: 'completed' }]);
    expect(whatChanged(a, b)).toEqual([
      { path: 'machine.state', kind: 'changed', before: 'launching', after: 'evaluating' },
      { path: 'context.runsCompleted', kind: 'changed', before: 0, after: 1 },
      { path: 'view.runs[0].status', kind: 'changed', before: 'in progress', after: 'completed' },
    ]);
    expect(whatChanged(null, a).map((c) => [c.path, c.kind])).toEqual([
      ['machine', 'added'],
      ['context', 'added'],
      ['view', 'added'],
    ]);
    expect(whatChanged(a, a)).toEqual([]);
  });
});

describe('showValue', () => {
  it('writes one line of JSON, cut with an ellipsis', () => {
    expect(showValue({ a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
    expect(showValue(undefined)).toBe('—');
    expect(showValue('x'.repeat(50), 10)).toBe('"xxxxxxxx…');
    expect(showValue('x'.repeat(50), 10)).toHaveLength(10);
  });
});
