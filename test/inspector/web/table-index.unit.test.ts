import { describe, expect, it } from 'vitest';
import type { RunRow } from '../../../inspector/api.js';
import { COLUMNS } from '../../../inspector/web/columns.js';
import { tableIndex, visibleRange } from '../../../inspector/web/table-index.js';
import { row } from './rows.js';

const col = (key: string) => COLUMNS.find((c) => c.key === key)!;
const ids = (rows: RunRow[], index: Uint32Array) => [...index].map((i) => rows[i]!.id);
const stat = (mean: number) => ({ mean, n: 3, interval: [mean - 1, mean + 1] as [number, number] });

describe('the runs table index', () => {
  const rows = [
    row('001', { kind: 'baseline', metric: stat(5), status: 'finished' }),
    row('002', { metric: stat(9), status: 'finished', changed: [{ key: 'lr', from: 0.1, to: 0.2 }] }),
    row('003', { status: 'failed' }),
    row('004', { metric: stat(1), status: 'finished', changed: [{ key: 'gamma', from: 0.9, to: 0.99 }] }),
  ];

  it('keeps run order with no sort and no filter', () => {
    expect(ids(rows, tableIndex(rows, COLUMNS, '', null))).toEqual(['001', '002', '003', '004']);
  });

  it('sorts by a column either way, with nulls last in both', () => {
    expect(ids(rows, tableIndex(rows, COLUMNS, '', { column: col('mean'), ascending: true }))).toEqual(['004', '001', '002', '003']);
    expect(ids(rows, tableIndex(rows, COLUMNS, '', { column: col('mean'), ascending: false }))).toEqual(['002', '001', '004', '003']);
    expect(ids(rows, tableIndex(rows, COLUMNS, '', { column: col('status'), ascending: true }))).toEqual(['003', '001', '002', '004']);
  });

  it('filters on the cells’ text, every word, case-insensitively', () => {
    expect(ids(rows, tableIndex(rows, COLUMNS, 'FINISHED', null))).toEqual(['001', '002', '004']);
    expect(ids(rows, tableIndex(rows, COLUMNS, 'finished lr', null))).toEqual(['002']);
    expect(ids(rows, tableIndex(rows, COLUMNS, 'gamma', { column: col('id'), ascending: false }))).toEqual(['004']);
    expect(tableIndex(rows, COLUMNS, 'nothing-matches', null)).toHaveLength(0);
  });

  it('sorts 10,000 rows in well under a frame budget of the page', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => row(String(i + 1).padStart(5, '0'), { metric: stat((i * 7919) % 1000) }));
    const t = performance.now();
    const index = tableIndex(many, COLUMNS, '', { column: col('mean'), ascending: true });
    expect(performance.now() - t).toBeLessThan(500);
    expect(many[index[0]!]!.metric!.mean).toBe(0);
    expect(many[index.at(-1)!]!.metric!.mean).toBe(999);
  });
});

describe('the rows in view', () => {
  it('are those the viewport covers plus the overscan, clamped to the rows', () => {
    expect(visibleRange(10_000, 26, 0, 520, 8)).toEqual({ start: 0, end: 28 });
    expect(visibleRange(10_000, 26, 26 * 5000, 520, 8)).toEqual({ start: 4992, end: 5028 });
    expect(visibleRange(10_000, 26, 26 * 9999, 520, 8)).toEqual({ start: 9991, end: 10_000 });
    expect(visibleRange(3, 26, 0, 520, 8)).toEqual({ start: 0, end: 3 });
  });
});
