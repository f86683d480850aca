/**
 * Escaping for every text output (projection files, terminal lines, JSON lines). A proposer or a
 * trainer may put anything into the values autopilot prints: a newline that forges a journal line,
 * `ESC ]0;…BEL` that retitles the terminal, a C1 `CSI` (U+009B, a control sequence for xterm),
 * a bidi override that makes text read backwards. The log keeps the raw values; what is shown is
 * printable text plus the newlines the renderer itself writes.
 *
 * Escaped, as JavaScript string escapes: every C0 control (U+0000–U+001F, tab included: `\t`,
 * `\n`, `\r`, others as `\x1b`), DEL and the C1 controls (U+007F–U+009F, `\x7f`…`\x9f`), the
 * line and paragraph separators U+2028/U+2029, the bidi embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069) and lone UTF-16 surrogates (`\u202e`, `\ud800`). Nothing else
 * changes — backslashes included, so escaping is idempotent and ordinary text reads as before;
 * the result is for reading, not for parsing back (the log has the exact value).
 * Pure and deterministic, so projections still rebuild byte for byte.
 */

/** What {@link escapeText} replaces (see the module comment). */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** What {@link escapeJson} replaces: the same, minus what JSON.stringify already escapes (C0, lone surrogates). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function hex(code: number, digits: number): string {
  return code.toString(16).padStart(digits, '0');
}

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code < 0x100 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`);
}

/** One line of printable text: every control character of `text` (newlines included) as a visible escape. */
export function escapeText(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** A block of lines: each line of `text` escaped with {@link escapeText}, its `\n` kept. */
export function escapeLines(text: string): string {
  return text.split('\n').map(escapeText).join('\n');
}

/** A renderer's lines as text: each line escaped (a newline inside one cannot start another), then joined, with a final newline. */
export function textOfLines(lines: readonly string[]): string {
  return `${lines.map(escapeText).join('\n')}\n`;
}

/**
 * JSON text (from JSON.stringify) with DEL, the C1 controls, U+2028/U+2029 and the bidi controls
 * written as `\uXXXX`. These occur only inside strings, so the result is valid JSON that parses
 * to the same value.
 */
export function escapeJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${hex(c.charCodeAt(0), 4)}`);
}

/** `JSON.stringify(value, null, space)` through {@link escapeJson}: no control character but the indentation's own newlines. */
export function jsonText(value: unknown, space?: number): string {
  const json = JSON.stringify(value, null, space) as string | undefined;
  if (json === undefined) throw new TypeError(`cannot write ${typeof value} as JSON`);
  return escapeJson(json);
}
