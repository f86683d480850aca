/** Text from the log put into SVG: escaped so that no rationale or key name can open a tag or end the document. */

// Characters XML 1.0 does not allow at all (C0 controls other than tab/newline/return, lone surrogates, U+FFFE/U+FFFF): one bad byte would make the file unreadable.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `text` safe as XML character data or a quoted attribute value: `& < > " '` as entities, characters XML forbids as U+FFFD. */
export function xmlText(text: string): string {
  return text.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A coordinate as SVG text: two decimals at most, no trailing zeros, never `-0`, so the output is the same on every platform. */
export function num(x: number): string {
  const s = String(Math.round(x * 100) / 100);
  return s === '-0' ? '0' : s;
}
