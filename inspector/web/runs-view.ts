/**
 * The runs table: every RunRow column (the reader picks which), sorted by a header click, filtered by
 * text, and virtually scrolled: rows have a fixed height and only those in view (plus a margin) are
 * in the DOM, so 10,000 rows scroll as smoothly as 10.
 */
import type { RunRow } from '../api.js';
import { COLUMNS, type Column } from './columns.js';
import { el, replace } from './dom.js';
import { hashOf } from './router.js';
import { tableIndex, visibleRange, type SortKey } from './table-index.js';

/** Each row's height in px (the scroller's arithmetic depends on it being fixed). */
export const ROW_HEIGHT = 26;

/**
 * Builds the table over `initial` into `host` and draws the rows in view before it returns. The
 * function it returns shows new rows (a live loop's) in the same table: sort, filter and scroll kept.
 */
export function renderRunsTable(host: HTMLElement, initial: readonly RunRow[]): (rows: readonly RunRow[]) => void {
  let rows = initial;
  const shown = new Set(COLUMNS.filter((c) => c.shown).map((c) => c.key));
  let sort: SortKey | null = null;
  let filter = '';
  let index = tableIndex(rows, COLUMNS, filter, sort);

  const count = el('span', { class: 'count', 'data-testid': 'run-count' });
  const input = el('input', { type: 'search', placeholder: 'filter runs (every word must match)', 'aria-label': 'filter runs', 'data-testid': 'run-filter' });
  const chooser = el('details', { class: 'columns' }, el('summary', {}, 'columns'));
  const header = el('div', { class: 'thead', role: 'row' });
  const spacer = el('div', { class: 'spacer' });
  const body = el('div', { class: 'tbody', role: 'rowgroup' });
  const scroller = el('div', { class: 'scroller', 'data-testid': 'runs-scroller' }, spacer, body);
  const table = el('div', { class: 'runs-table', role: 'table' }, header, scroller);

  const columns = (): Column[] => COLUMNS.filter((c) => shown.has(c.key));
  const template = () =>
    columns()
      .map((c) => `${c.width}px`)
      .join(' ');

  for (const c of COLUMNS) {
    const box = el('input', { type: 'checkbox', 'data-column': c.key });
    box.checked = shown.has(c.key);
    box.addEventListener('change', () => {
      if (box.checked) shown.add(c.key);
      else shown.delete(c.key);
      drawHeader();
      drawRows(true);
    });
    chooser.append(el('label', {}, box, ` ${c.label}`));
  }

  function drawHeader(): void {
    header.style.gridTemplateColumns = template();
    replace(
      header,
      ...columns().map((c) => {
        const arrow = sort?.column === c ? (sort.ascending ? ' ▲' : ' ▼') : '';
        const h = el('button', { class: 'th', role: 'columnheader', 'data-column': c.key, title: `sort by ${c.label}` }, c.label + arrow);
        h.addEventListener('click', () => {
          sort = sort?.column === c ? (sort.ascending ? { column: c, ascending: false } : null) : { column: c, ascending: true };
          index = tableIndex(rows, COLUMNS, filter, sort);
          drawHeader();
          drawRows(true);
        });
        return h;
      }),
    );
  }

  let drawn = '';
  function drawRows(force = false): void {
    spacer.style.height = `${index.length * ROW_HEIGHT}px`;
    count.textContent = `${index.length} of ${rows.length} runs`;
    const { start, end } = visibleRange(index.length, ROW_HEIGHT, scroller.scrollTop, scroller.clientHeight || 600);
    const key = `${start}:${end}`;
    if (!force && key === drawn) return;
    drawn = key;
    const cols = columns();
    const grid = template();
    const nodes: HTMLElement[] = [];
    for (let i = start; i < end; i++) {
      const row = rows[index[i]!]!;
      const a = el('a', { class: `tr ${row.status}`, role: 'row', href: hashOf({ view: 'run', id: row.id }), 'data-run-id': row.id });
      a.style.top = `${i * ROW_HEIGHT}px`;
      a.style.gridTemplateColumns = grid;
      for (const c of cols) a.append(el('span', { class: `td col-${c.key}`, role: 'cell' }, c.text(row)));
      nodes.push(a);
    }
    body.replaceChildren(...nodes);
  }

  let pending = false;
  scroller.addEventListener('scroll', () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      drawRows();
    });
  });
  input.addEventListener('input', () => {
    filter = input.value;
    index = tableIndex(rows, COLUMNS, filter, sort);
    scroller.scrollTop = 0;
    drawRows(true);
  });

  replace(host, el('div', { class: 'toolbar' }, input, count, chooser), table);
  drawHeader();
  drawRows(true);
  return (next) => {
    rows = next;
    index = tableIndex(rows, COLUMNS, filter, sort);
    drawRows(true);
  };
}
