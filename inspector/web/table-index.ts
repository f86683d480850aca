/**
 * The runs table's order: which rows pass the filter, sorted by a column, as a typed array of row
 * indexes (the rows themselves never move, so 10,000 of them sort and filter without copies). Pure.
 */
import type { RunRow } from '../api.js';
import type { Column } from './columns.js';

/** How the table is sorted: by a column, ascending or not. */
export interface SortKey {
  column: Column;
  ascending: boolean;
}

// Nulls last whichever the direction; numbers by value, strings by code unit (run ids are zero-padded).
function compare(a: number | string | null, b: number | string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

/**
 * The indexes of the rows whose visible text contains `filter` (case-insensitive; every word must
 * match), in the order of `sort` (ties in run order), or in run order when there is no sort.
 */
export function tableIndex(rows: readonly RunRow[], columns: readonly Column[], filter: string, sort: SortKey | null): Uint32Array {
  const words = filter
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');
  const kept: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (words.length > 0) {
      const text = columns
        .map((c) => c.text(row))
        .join('\u0000')
        .toLowerCase();
      if (!words.every((w) => text.includes(w))) continue;
    }
    kept.push(i);
  }
  const index = Uint32Array.from(kept);
  if (!sort) return index;
  const keys = rows.map((r) => sort.column.sort(r));
  const sign = sort.ascending ? 1 : -1;
  // Nulls stay last in both directions, so the sign applies only when both sides have a value.
  return index.sort((a, b) => {
    const ka = keys[a]!;
    const kb = keys[b]!;
    const c = ka === null || kb === null ? compare(ka, kb) : sign * compare(ka, kb);
    return c !== 0 ? c : a - b;
  });
}

/** The slice of rows a viewport of `height` px scrolled to `scrollTop` shows, with `overscan` rows either side. */
export function visibleRange(count: number, rowHeight: number, scrollTop: number, height: number, overscan = 8): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + Math.ceil(height / rowHeight) + overscan);
  return { start, end: Math.max(start, end) };
}
