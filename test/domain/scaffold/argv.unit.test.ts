import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArgvError, shellQuote, splitArgv } from '../../../domain/scaffold/argv.js';

const problem = (text: string): string => {
  try {
    splitArgv(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ArgvError);
    return (e as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
};

describe('splitting --trainer into argv', () => {
  it('splits words on blanks and joins quoted parts as a shell does', () => {
    expect(splitArgv('  python3   train.py\t--foo 1 ')).toEqual(['python3', 'train.py', '--foo', '1']);
    expect(splitArgv(`python train.py --name 'a b' --q "it's" --e '' x"y"'z'`)).toEqual(['python', 'train.py', '--name', 'a b', '--q', "it's", '--e', '', 'xyz']);
    expect(splitArgv(String.raw`a\ b "c\"d" "e\\f" "g\h" \$HOME`)).toEqual(['a b', 'c"d', 'e\\f', 'g\\h', '$HOME']);
    expect(splitArgv(`python -c 'print("$HOME | ; && $(id) *")'`)).toEqual(['python', '-c', 'print("$HOME | ; && $(id) *")']);
    expect(splitArgv('a#b c~d')).toEqual(['a#b', 'c~d']);
  });

  it('refuses what only a shell would interpret, naming the character and what is allowed', () => {
    for (const [text, what] of [
      ['python train.py | tee log', /"\|" at character 17 is a pipe/],
      ['python train.py; rm x', /";" .* command separator/],
      ['python train.py && echo ok', /"&" .* background or && operator/],
      ['python train.py $(id)', /"\$" .* variable or command substitution/],
      ['python "$HOME/train.py"', /"\$" at character 9 .* inside "…" too; '…' keeps it literal/],
      ['python `id`', /"`" .* command substitution/],
      ['python train.py > out', /redirection/],
      ['python *.py', /a glob/],
      ['python ~/train.py', /home-directory expansion/],
      ['python train.py # comment', /a comment/],
      ['python a\nb', /newline/],
      ['python {a,b}', /brace expansion/],
    ] as const) {
      const message = problem(text);
      expect(message).toMatch(what);
      expect(message).toMatch(/^--trainer: .*argv only/);
    }
  });

  it('refuses unbalanced quotes, a trailing backslash and an empty command', () => {
    expect(problem(`python 'train.py`)).toMatch(/--trainer: the ' at character 8 is never closed/);
    expect(problem(`python "train.py`)).toMatch(/--trainer: the " at character 8 is never closed/);
    expect(problem('python train.py \\')).toMatch(/--trainer: a \\ at the end escapes nothing/);
    expect(problem('   ')).toMatch(/--trainer: no command given/);
  });
});

describe('quoting argv words for bash', () => {
  it('leaves plain words as they are and single-quotes the rest', () => {
    expect(shellQuote('--train.learning-rate')).toBe('--train.learning-rate');
    expect(shellQuote('/usr/bin/python3')).toBe('/usr/bin/python3');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('$HOME')).toBe("'$HOME'");
    expect(shellQuote('')).toBe("''");
  });

  it('quotes any argv so that splitting it gives the same argv back', () => {
    const word = fc.string({ unit: fc.constantFrom('a', ' ', "'", '"', '\\', '$', '|', ';', '&', '*', '~', '#', '\n', '\t', '(', '`', 'é', '-'), maxLength: 8 });
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), (argv) => {
        expect(splitArgv(argv.map(shellQuote).join(' '))).toEqual(argv);
      }),
      { numRuns: 500 },
    );
  });
});
