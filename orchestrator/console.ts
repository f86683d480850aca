/**
 * The one way the commands print: every line through `escapeText`, every renderer's block through
 * `escapeLines`, every JSON object through `jsonText` — so no value from the log (a proposer's
 * rationale, a trainer's output, a key) reaches a terminal as a control sequence or a forged line.
 * (`render-args --null` and the MCP server's protocol are data for programs and do not come here.)
 * Every function takes the stream it prints to: the CLI passes its own, so a test runs a command
 * in process and reads what it printed.
 */
import { escapeLines, escapeText, jsonText } from '../domain/text/escape.js';

/** Where text goes: process.stdout, process.stderr, or anything that collects it. */
export interface Stream {
  write(text: string): unknown;
}

/** The two streams a command prints to: `out` for its results, `err` for problems and notes. */
export interface Streams {
  out: Stream;
  err: Stream;
}

/** Prints one line (a newline inside `line` is shown as `\n`). */
export function printLine(line: string, stream: Stream): void {
  stream.write(`${escapeText(line)}\n`);
}

/** Prints a renderer's multi-line text, keeping its newlines (a final one is added when missing). */
export function printText(text: string, stream: Stream): void {
  const escaped = escapeLines(text);
  stream.write(escaped.endsWith('\n') ? escaped : `${escaped}\n`);
}

/** Prints `value` as one JSON line (`--json`). */
export function printJson(value: unknown, stream: Stream): void {
  stream.write(`${jsonText(value)}\n`);
}
