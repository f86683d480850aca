/**
 * The trainer argv of a `scripts/run_training.sh` exactly as `autopilot init` writes it, read back
 * so the preflight can check what the script execs. Only the generated form is read: the exec line
 * is split as {@link shellQuote} writes words, and the argv counts only when the whole script is
 * then byte for byte what {@link trainerScript} writes for it. Anything else (a script edited by
 * hand into other bash) gives null: arbitrary bash is never guessed at. Pure.
 */
import { trainerScript } from './scripts.js';

/** Splits the words of an exec line as shellQuote writes them: plain, or '…' with '\'' for a quote. */
function splitQuoted(words: string): string[] | null {
  const out: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < words.length; i++) {
    const c = words[i]!;
    if (c === ' ') {
      if (word === null) return null;
      out.push(word);
      word = null;
    } else if (c === "'") {
      const end = words.indexOf("'", i + 1);
      if (end < 0) return null;
      word = (word ?? '') + words.slice(i + 1, end);
      i = end;
    } else if (c === '\\') {
      if (words[i + 1] !== "'") return null;
      word = (word ?? '') + "'";
      i++;
    } else word = (word ?? '') + c;
  }
  if (word !== null) out.push(word);
  return out;
}

/** The argv the generated trainer script `text` execs, or null when `text` is not exactly a generated script. */
export function generatedTrainerArgv(text: string): string[] | null {
  const line = text.split('\n').find((l) => l.startsWith('exec '));
  const match = line === undefined ? null : /^exec (?:-- )?(.+) "\$@"$/.exec(line);
  const argv = match ? splitQuoted(match[1]!) : null;
  if (argv === null || argv.length === 0) return null;
  // The round trip is the proof: only a script init would write for this argv is read.
  return trainerScript(argv) === text ? argv : null;
}
