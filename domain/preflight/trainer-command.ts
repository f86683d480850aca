/**
 * What of `trainer.command` must exist before a session starts: the executable (argv[0]) and, when it
 * is an interpreter (`bash script.sh`, `python train.py`, `node main.js`), the script it is given.
 * Pure: says which argv entries are files; the preflight looks them up.
 */

/** Interpreters whose first operand is a script file, by base name, with the options that run inline code or a module instead. */
const INTERPRETERS: readonly { name: RegExp; inline: readonly string[] }[] = [
  { name: /^(?:sh|bash|dash|zsh|ksh)$/, inline: ['-c', '-s'] },
  { name: /^(?:python|pypy)[0-9.]*$/, inline: ['-c', '-m'] },
  { name: /^(?:node|nodejs)$/, inline: ['-e', '--eval', '-p', '--print'] },
  { name: /^(?:ruby|perl|Rscript|julia)$/, inline: ['-e', '-E'] },
];

/** Interpreter options that take the next argument as their value (so it is not the script). */
const OPTION_WITH_VALUE = new Set(['-W', '-X', '-o', '-r', '--require', '--import', '--loader', '-I', '--rcfile', '--init-file']);

/** The base name of a path (`/usr/bin/python3` → `python3`). */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function interpreterOf(argv0: string) {
  const name = baseName(argv0);
  return INTERPRETERS.find((i) => i.name.test(name)) ?? null;
}

/** True when `argv0` names an interpreter whose first operand is a script. */
export function isInterpreter(argv0: string): boolean {
  return interpreterOf(argv0) !== null;
}

/**
 * The script an interpreter command runs: its index in `argv` and the path as written; null when
 * `argv[0]` is not an interpreter, or it runs inline code, stdin or a module (`bash -c`, `python
 * -m`, `node -e`, `-`), or no operand follows.
 */
export function scriptOperand(argv: readonly string[]): { index: number; path: string } | null {
  const [argv0, ...rest] = argv;
  const interpreter = argv0 === undefined ? null : interpreterOf(argv0);
  if (interpreter === null) return null;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '-' || arg === '--') return arg === '--' && rest[i + 1] !== undefined ? { index: i + 2, path: rest[i + 1]! } : null;
    // `-c CODE`, and the joined forms `-cCODE`, `-mmodule`.
    if (interpreter.inline.some((o) => arg === o || (o.length === 2 && arg.startsWith(o) && !arg.startsWith('--')))) return null;
    if (OPTION_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    return { index: i + 1, path: arg };
  }
  return null;
}
