/** The journal's labbook and notes, shown as preformatted text (never rendered as HTML). */
import { api } from './api-client.js';
import { el, pre, replace } from './dom.js';

/** Fills `host` with the labbook and the notes. */
export async function renderLabbook(host: HTMLElement): Promise<void> {
  replace(host, el('p', { class: 'muted' }, 'loading the journal…'));
  try {
    const j = await api.labbook();
    replace(
      host,
      ...j.problems.map((p) => el('p', { class: 'error' }, p)),
      el('h2', {}, 'Labbook'),
      j.labbook === null ? el('p', { class: 'muted' }, 'journal/labbook.md does not exist yet') : pre(j.labbook, 'labbook'),
      el('h2', {}, 'Notes'),
      j.notes === null ? el('p', { class: 'muted' }, 'journal/notes.md does not exist yet') : pre(j.notes, 'notes'),
    );
  } catch (e) {
    replace(host, el('p', { class: 'error' }, `labbook: ${(e as Error).message}`));
  }
}
