import { describe, expect, it } from 'vitest';
import { generatedTrainerArgv } from '../../../domain/scaffold/script-argv.js';
import { BUILTIN_SCRIPT, trainerScript } from '../../../domain/scaffold/scripts.js';

describe('reading back the argv of a generated trainer script', () => {
  it('gives the argv init wrote, odd words and all', () => {
    for (const argv of [
      ['python3', 'train.py'],
      ['/usr/bin/python3', 'a b.py', "it's", '$HOME', '', '*.py', '--x=1'],
      ['-weird', 'train.py'],
      ["'", "''", "a'b'c"],
    ])
      expect(generatedTrainerArgv(trainerScript(argv))).toEqual(argv);
  });

  it('gives the edited argv when only the words of the exec line were changed, in the generated form', () => {
    const text = trainerScript(['python3', 'train.py']).replace('train.py', "'my train.py'");
    expect(generatedTrainerArgv(text)).toEqual(['python3', 'my train.py']);
  });

  it('reads nothing from a script edited into other bash, or the shipped one', () => {
    const generated = trainerScript(['python3', 'train.py']);
    expect(generatedTrainerArgv(generated.replace('exec python3 train.py', 'exec python3 "$HOME/train.py"'))).toBeNull();
    expect(generatedTrainerArgv(generated.replace('set -euo pipefail', 'set -euo pipefail\ncd /elsewhere'))).toBeNull();
    expect(generatedTrainerArgv(generated.replace('exec python3', 'exec  python3'))).toBeNull();
    expect(generatedTrainerArgv(generated.replace(' "$@"', ''))).toBeNull();
    expect(generatedTrainerArgv(generated.replaceAll('\n', '\r\n'))).toBeNull();
    expect(generatedTrainerArgv(BUILTIN_SCRIPT)).toBeNull();
    expect(generatedTrainerArgv('')).toBeNull();
  });
});
