/**
 * The runs in flight of a slotted session, under the Statechart tab's toolbar: a row per slot with
 * its run (a link to the run), its state (marked when the chart does not draw it) and, when the
 * session named GPUs, the slot's GPU.
 */
import type { SlotInFlight } from '../api.js';
import { el } from './dom.js';

/** The list of `slots` (null: a session with one run at a time, which has none). */
export function slotsList(slots: SlotInFlight[] | undefined): HTMLElement | null {
  if (!slots) return null;
  const gpus = slots.some((s) => s.gpu !== null);
  const head = el('tr', {}, el('th', {}, 'slot'), el('th', {}, 'run'), el('th', {}, 'state'), gpus && el('th', {}, 'GPU'));
  const rows = slots.map((s) =>
    el(
      'tr',
      { 'data-slot': String(s.slot), 'data-state': s.state ?? '', 'data-run': s.runId ?? '' },
      el('td', {}, String(s.slot)),
      el('td', {}, s.runId === null ? '—' : el('a', { href: `#/runs/${encodeURIComponent(s.runId)}` }, s.runId)),
      // A state the chart does not draw (idle, awaitJudge, drained) is only shown here.
      el('td', s.node === null ? { class: 'muted', title: 'not drawn on the chart' } : {}, s.state ?? 'not started'),
      gpus && el('td', {}, s.gpu ?? '—'),
    ),
  );
  return el(
    'table',
    { class: 'statechart-slots', 'data-testid': 'statechart-slots' },
    el('caption', {}, `runs in flight (${slots.filter((s) => s.runId !== null).length} of ${slots.length} slots busy)`),
    el('thead', {}, head),
    el('tbody', {}, ...rows),
  );
}
