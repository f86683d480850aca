/**
 * The trainer's argv as `autopilot init --trainer "python train.py --foo"` takes it: words split
 * as a shell splits them (blanks; '…' and "…" quoting; backslash escapes) but never run through a
 * shell, so anything a shell would expand or interpret (pipes, redirections, `;`, `&&`, `$(…)`,
 * `$VAR`, globs, `~`) is refused rather than passed on with another meaning. And back: each word
 * quoted for a bash script.
 */
import { AutopilotError } from '../errors.js';

/** A `--trainer` text that is not a plain argv; the message says where, why, and what is allowed. */
export class ArgvError extends AutopilotError {
  override readonly name = 'ArgvError';
  constructor(message: string) {
    super('argv', message, { key: '--trainer' });
  }
}

const ALLOWED = "--trainer takes the trainer's argv only: words split as a shell splits them, with '…' and \"…\" quoting and \\ escapes, never run through a shell";

/** Unquoted characters a shell would interpret; named in the error. */
const METACHARACTERS: Record<string, string> = {
  '|': 'a pipe',
  '&': 'a background or && operator',
  ';': 'a command separator',
  '<': 'a redirection',
  '>': 'a redirection',
  '(': 'a subshell or function',
  ')': 'a subshell or function',
  $: 'a variable or command substitution',
  '`': 'a command substitution',
  '*': 'a glob',
  '?': 'a glob',
  '[': 'a glob',
  '{': 'a brace expansion',
  '}': 'a brace expansion',
  '\n': 'a command separator (newline)',
  '\r': 'a control character',
  '\0': 'a NUL byte, which no argv can hold',
};
/** Special at the start of a word only. */
const WORD_START: Record<string, string> = { '~': 'a home-directory expansion', '#': 'a comment' };

function refuse(text: string, at: number, what: string, where = ''): never {
  const shown = JSON.stringify(text[at]);
  throw new ArgvError(
    `--trainer: ${shown} at character ${at + 1} is ${what} that only a shell would interpret${where}; ${ALLOWED}. ` +
      'Quote it if it is meant literally, or put the shell code in a script and give that script as the trainer (e.g. --trainer "bash train.sh").',
  );
}

/**
 * Splits `text` into argv words. Throws {@link ArgvError} for unbalanced quotes, a trailing
 * backslash, shell metacharacters outside single quotes (`$` and `` ` `` inside double quotes too,
 * where a shell expands them), and for text with no word at all.
 */
export function splitArgv(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t') {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ArgvError(`--trainer: the ' at character ${i + 1} is never closed; ${ALLOWED}`);
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      const { value, end } = doubleQuoted(text, i);
      word = (word ?? '') + value;
      i = end;
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw new ArgvError(`--trainer: a \\ at the end escapes nothing; ${ALLOWED}`);
      const next = text[i + 1] as string;
      if (next === '\0') refuse(text, i + 1, METACHARACTERS['\0'] as string);
      // Backslash-newline is a line continuation in a shell: it joins, it adds nothing.
      if (next !== '\n') word = (word ?? '') + next;
      i++;
    } else if (Object.hasOwn(METACHARACTERS, c)) {
      refuse(text, i, METACHARACTERS[c] as string);
    } else if (word === null && Object.hasOwn(WORD_START, c)) {
      refuse(text, i, WORD_START[c] as string);
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== null) words.push(word);
  if (words.length === 0) throw new ArgvError(`--trainer: no command given; ${ALLOWED}, e.g. --trainer "python train.py"`);
  return words;
}

/** The text of the "…" that opens at `start`, and the index of its closing quote. */
function doubleQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  for (let j = start + 1; j < text.length; j++) {
    const c = text[j] as string;
    if (c === '"') return { value, end: j };
    if (c === '$' || c === '`') refuse(text, j, METACHARACTERS[c] as string, ` (a shell expands it inside "…" too; '…' keeps it literal)`);
    if (c === '\0') refuse(text, j, METACHARACTERS['\0'] as string);
    if (c === '\\' && j + 1 < text.length && '"\\$`\n'.includes(text[j + 1] as string)) {
      if (text[j + 1] !== '\n') value += text[j + 1];
      j++;
    } else value += c;
  }
  throw new ArgvError(`--trainer: the " at character ${start + 1} is never closed; ${ALLOWED}`);
}

/** Words that mean themselves in bash without quotes. */
const PLAIN_WORD = /^[A-Za-z0-9_./,:=@%+-]+$/;

/** `word` as one bash word: as is when nothing in it is special, else single-quoted (a ' inside written as '\''). */
export function shellQuote(word: string): string {
  if (PLAIN_WORD.test(word)) return word;
  return `'${word.replaceAll("'", "'\\''")}'`;
}
