/** The journal's labbook and notes, rendered from their Markdown subset (markdown.ts) as text nodes, never as HTML. */
import { api } from './api-client.js';
import { el, replace } from './dom.js';
import { blocks, type Block, type Inline } from './markdown.js';

function spans(inlines: Inline[]): (HTMLElement | string)[] {
  return inlines.map((i) => (i.code ? el('code', {}, i.text) : i.text));
}

function block(b: Block): HTMLElement {
  switch (b.kind) {
    case 'heading':
      // The page's own headings are h2: the document's start below them.
      return el(`h${Math.min(6, b.level + 2)}` as 'h3', {}, ...spans(b.inlines));
    case 'list':
      return el('ul', {}, ...b.items.map((item) => el('li', {}, ...spans(item))));
    case 'paragraph':
      return el('p', {}, ...spans(b.inlines));
    default: {
      const never: never = b;
      return never;
    }
  }
}

/** A journal file rendered into an `<article class=cls>`. */
function article(text: string, cls: string): HTMLElement {
  return el('article', { class: `journal ${cls}`, 'data-testid': cls }, ...blocks(text).map(block));
}

/** Fills `host` with the labbook and the notes. */
export async function renderLabbook(host: HTMLElement): Promise<void> {
  replace(host, el('p', { class: 'muted' }, 'loading the journal…'));
  try {
    const j = await api.labbook();
    replace(
      host,
      ...j.problems.map((p) => el('p', { class: 'error' }, p)),
      el('h2', {}, 'Labbook'),
      j.labbook === null ? el('p', { class: 'muted' }, 'journal/labbook.md does not exist yet') : article(j.labbook, 'labbook'),
      el('h2', {}, 'Notes'),
      j.notes === null ? el('p', { class: 'muted' }, 'journal/notes.md does not exist yet') : article(j.notes, 'notes'),
    );
  } catch (e) {
    replace(host, el('p', { class: 'error' }, `labbook: ${(e as Error).message}`));
  }
}
