/** A run's page (`#/runs/007`): its row's summary, its audit as text, and its learning curve. */
import uPlot from 'uplot';
import type { RunRow } from '../api.js';
import { api } from './api-client.js';
import { COLUMNS } from './columns.js';
import { el, pre, replace } from './dom.js';
import { trackerOfAuditText } from '../../projections/audit/tracker-line.js';

/** Fills `host` with run `id`'s page; `rows` (when loaded) gives its summary line. */
export async function renderRun(host: HTMLElement, id: string, rows: readonly RunRow[] | null): Promise<void> {
  const row = rows?.find((r) => r.id === id);
  const summary = row ? el('dl', { class: 'summary' }, ...COLUMNS.filter((c) => c.text(row) !== '').flatMap((c) => [el('dt', {}, c.label), el('dd', {}, c.text(row))])) : null;
  const audit = el('section', { class: 'audit', 'data-testid': 'audit' }, el('p', { class: 'muted' }, 'loading the audit…'));
  const curve = el('section', { class: 'curve', 'data-testid': 'curve' }, el('p', { class: 'muted' }, 'loading the learning curve…'));
  const tracker = el('p', { 'data-testid': 'tracker' });
  replace(host, el('p', {}, el('a', { href: '#/runs' }, '← all runs')), el('h2', {}, `Run ${id}`), summary, tracker, el('h3', {}, 'Learning curve'), curve, el('h3', {}, 'Audit'), audit);
  await Promise.all([
    api.audit(id).then(
      (text) => {
        replace(audit, pre(text, 'audit-text'));
        // The tracker run (W&B, Neptune) the attempt printed: an https address of the tracker's host, checked again here.
        const link = trackerOfAuditText(text);
        if (link) replace(tracker, `${link.tracker === 'wandb' ? 'Weights & Biases' : 'Neptune'} run: `, el('a', { href: link.url, rel: 'noopener noreferrer', target: '_blank' }, link.url));
      },
      (e: Error) => replace(audit, el('p', { class: 'error' }, `audit: ${e.message}`)),
    ),
    api.curve(id).then(
      (c) => {
        if (c.points.length === 0) return replace(curve, el('p', { class: 'muted' }, 'no progress reported'));
        replace(curve, el('p', { class: 'muted' }, `attempt ${c.attempt}, ${c.points.length} of ${c.total} points`));
        const width = Math.max(320, host.clientWidth - 16);
        const opts: uPlot.Options = {
          width,
          height: 240,
          scales: { x: { time: false } },
          axes: [{ label: c.x }, { label: c.metric, size: 70 }],
          series: [{ label: c.x }, { label: c.metric, stroke: '#1f6feb', width: 2 }],
        };
        new uPlot(opts, [c.points.map((p) => p.x), c.points.map((p) => p.y)], curve);
      },
      (e: Error) => replace(curve, el('p', { class: 'error' }, `curve: ${e.message}`)),
    ),
  ]);
}
