/** The time-travel view's "what changed" pane: each path the diff of N-1 and N names, with old → new. */
import { showValue, type Change } from './at-diff.js';
import { el } from './dom.js';

/** Changes listed at most (the first event adds everything). */
export const MAX_CHANGES = 200;

/** The content of what changed from N-1 to N: a title, then each path with old → new. */
export function changesPane(changes: Change[], seq: number): HTMLElement[] {
  const title = el('h2', {}, seq === 1 ? 'What changed (the first event: all of it is new)' : `What changed since #${seq - 1}`);
  if (changes.length === 0) return [title, el('p', { class: 'muted' }, 'nothing in the machine or the view')];
  const items = changes
    .slice(0, MAX_CHANGES)
    .map((c) =>
      el(
        'li',
        { class: c.kind, 'data-path': c.path },
        el('code', { class: 'path' }, c.path),
        el('span', { class: 'before' }, c.kind === 'added' ? 'added' : showValue(c.before)),
        el('span', { class: 'arrow' }, '→'),
        el('span', { class: 'after' }, c.kind === 'removed' ? 'removed' : showValue(c.after)),
      ),
    );
  const more = changes.length > MAX_CHANGES ? el('p', { class: 'muted' }, `and ${changes.length - MAX_CHANGES} more`) : null;
  return more ? [title, el('ul', {}, ...items), more] : [title, el('ul', {}, ...items)];
}
