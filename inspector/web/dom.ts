/** Building DOM nodes: text goes in through textContent only, so nothing from the log is ever parsed as HTML. */

type Child = Node | string | null | undefined | false;

/** `<tag>` with attributes (`class`, `data-*`, …) and children (strings become text nodes). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return node;
}

/** `<pre>` holding `text` as text. */
export function pre(text: string, cls = ''): HTMLPreElement {
  const p = el('pre', cls ? { class: cls } : {});
  p.textContent = text;
  return p;
}

/** Replaces `parent`'s children with `children`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}
