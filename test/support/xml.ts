/**
 * A minimal XML well-formedness check for the SVG the plots write (no XML parser is a dependency):
 * tags balance and nest, attributes are quoted and hold no `<`, text holds no `<`, every `&` starts a
 * known or numeric entity, and no character XML 1.0 forbids appears. Returns the first problem, or null.
 */
const TOKEN = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<[^>]*>|[^<]+/g;
const OPEN = /^<([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>$/;
const CLOSE = /^<\/([A-Za-z_][\w.:-]*)\s*>$/;
const ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Null when `text` is a well-formed XML document with one root element, else what is wrong. */
export function xmlProblem(text: string): string | null {
  if (FORBIDDEN.test(text)) return 'a character XML forbids';
  const stack: string[] = [];
  let roots = 0;
  for (const [token] of text.matchAll(TOKEN)) {
    if (token.startsWith('<!--') || token.startsWith('<?')) continue;
    if (ENTITY.test(token)) return `a bare & in ${JSON.stringify(token.slice(0, 80))}`;
    if (!token.startsWith('<')) {
      if (token.includes('>')) return `a > in text ${JSON.stringify(token.slice(0, 80))}`;
      if (stack.length === 0 && token.trim() !== '') return 'text outside the root element';
      continue;
    }
    const close = CLOSE.exec(token);
    if (close) {
      if (stack.pop() !== close[1]) return `</${close[1]}> closes nothing open`;
      continue;
    }
    const open = OPEN.exec(token);
    if (!open) return `a malformed tag ${JSON.stringify(token.slice(0, 80))}`;
    if (stack.length === 0 && roots++ > 0) return 'more than one root element';
    if (open[3] !== '/') stack.push(open[1]!);
  }
  if (stack.length > 0) return `<${stack[stack.length - 1]}> is never closed`;
  return roots === 1 ? null : 'no root element';
}
