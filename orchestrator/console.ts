/**
 * The one way the commands print: every line through `escapeText`, every renderer's block through
 * `escapeLines`, every JSON object through `jsonText` — so no value from the log (a proposer's
 * rationale, a trainer's output, a key) reaches a terminal as a control sequence or a forged line.
 * (`render-args --null` and the MCP server's protocol are data for programs and do not come here.)
 */
import { escapeLines, escapeText, jsonText } from '../domain/text/escape.js';

type Stream = { write(text: string): unknown };

/** Prints one line on stdout (a newline inside `line` is shown as `\n`). */
export function printLine(line: string, stream: Stream = process.stdout): void {
  stream.write(`${escapeText(line)}\n`);
}

/** Prints a renderer's multi-line text on stdout, keeping its newlines (a final one is added when missing). */
export function printText(text: string, stream: Stream = process.stdout): void {
  const escaped = escapeLines(text);
  stream.write(escaped.endsWith('\n') ? escaped : `${escaped}\n`);
}

/** Prints `value` as one JSON line on stdout (`--json`). */
export function printJson(value: unknown, stream: Stream = process.stdout): void {
  stream.write(`${jsonText(value)}\n`);
}

/** Prints a message on stderr, keeping the newlines the message was built with. */
export function printError(message: string): void {
  printText(message, process.stderr);
}
