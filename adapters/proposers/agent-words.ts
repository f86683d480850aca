/** What an agent said about itself (its last output line, the error its CLI reported), made fit to quote in the log and on a terminal. */
import { redactInputText } from '../../domain/text/inputs-text.js';
import type { RecordedNames } from '../../domain/text/secrets.js';
import { escapeText } from '../../domain/text/escape.js';

/** Longest quote of an agent's words, in characters after escaping. */
export const QUOTE_MAX = 200;

/**
 * `text` with secrets redacted — `NAME=value` for a secret name, and anything that looks like one
 * (`scheme://user:pass@…`, `sk-…`, a PEM key) — then every control character escaped, cut to
 * {@link QUOTE_MAX} characters. Redacted before it is cut, so a cut cannot hide a secret from the patterns.
 */
export function quoteAgent(text: string, record: RecordedNames = []): string {
  // Not a path the log binds: the plain-text rules of an input (assignments, then secret-looking text) apply.
  const quoted = escapeText(redactInputText('agent-output.txt', text, record));
  return quoted.length <= QUOTE_MAX ? quoted : `${quoted.slice(0, QUOTE_MAX - 1)}…`;
}

/** The same, for text an agent's CLI reported that is stored apart (its error): secrets redacted, not cut. */
export function redactAgent(text: string, record: RecordedNames = []): string {
  return redactInputText('agent-output.txt', text, record);
}
