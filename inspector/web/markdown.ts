/**
 * The subset of Markdown the journal is written in (projections/journal): ATX headings, bullet
 * lists, paragraphs and `code` spans, parsed into plain blocks. Pure; the page builds them with
 * textContent only, so no text (an agent's rationale, a hostile note) is ever parsed as HTML.
 * Anything else stays as text in a paragraph.
 */

/** A run of text, or a code span. */
export interface Inline {
  code: boolean;
  text: string;
}

/** One block of the document. */
export type Block = { kind: 'heading'; level: number; inlines: Inline[] } | { kind: 'list'; items: Inline[][] } | { kind: 'paragraph'; inlines: Inline[] };

/** `text` split into runs and code spans: a backtick run opens a span closed by the same run; an unclosed one is text. */
export function inlines(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '`') {
      plain += text[i++];
      continue;
    }
    let ticks = 0;
    while (text[i + ticks] === '`') ticks++;
    const fence = '`'.repeat(ticks);
    const close = text.indexOf(fence, i + ticks);
    if (close < 0) {
      plain += fence;
      i += ticks;
      continue;
    }
    if (plain) out.push({ code: false, text: plain });
    plain = '';
    out.push({ code: true, text: text.slice(i + ticks, close) });
    i = close + ticks;
  }
  if (plain) out.push({ code: false, text: plain });
  return out;
}

/** The blocks of `markdown`: `#`…`######` headings, `- `/`* ` list items (a list ends at a blank line or another block), paragraphs of consecutive lines. */
export function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  let paragraph: string[] = [];
  let list: Inline[][] | null = null;
  const flush = () => {
    if (paragraph.length) out.push({ kind: 'paragraph', inlines: inlines(paragraph.join(' ')) });
    paragraph = [];
    if (list) out.push({ kind: 'list', items: list });
    list = null;
  };
  for (const line of markdown.split(/\r?\n/)) {
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    const item = /^\s{0,3}[-*]\s+(.*)$/.exec(line);
    if (line.trim() === '') flush();
    else if (heading) {
      flush();
      out.push({ kind: 'heading', level: heading[1]!.length, inlines: inlines(heading[2]!) });
    } else if (item) {
      if (paragraph.length) flush();
      (list ??= []).push(inlines(item[1]!));
    } else if (list && /^\s+\S/.test(line)) {
      // A continuation line of the last item.
      const last = list[list.length - 1]!;
      last.push(...inlines(` ${line.trim()}`));
    } else {
      if (list) flush();
      paragraph.push(line.trim());
    }
  }
  flush();
  return out;
}
