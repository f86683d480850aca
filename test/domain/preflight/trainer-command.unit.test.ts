import { describe, expect, it } from 'vitest';
import { isInterpreter, scriptOperand } from '../../../domain/preflight/trainer-command.js';

describe('the script of a trainer command', () => {
  it('is the first operand of an interpreter', () => {
    expect(scriptOperand(['bash', 'scripts/run_training.sh'])).toEqual({ index: 1, path: 'scripts/run_training.sh' });
    expect(scriptOperand(['/usr/bin/python3.11', '-u', '-W', 'ignore', 'train.py', '--x', '1'])).toEqual({ index: 4, path: 'train.py' });
    expect(scriptOperand(['bash', '-e', '-o', 'pipefail', 'run.sh'])).toEqual({ index: 4, path: 'run.sh' });
    expect(scriptOperand(['node', '--', 'main.js'])).toEqual({ index: 2, path: 'main.js' });
  });

  it('is none for inline code, a module, stdin or a plain executable', () => {
    expect(scriptOperand(['bash', '-c', 'exec trainer "$@"', 'x'])).toBeNull();
    expect(scriptOperand(['python', '-m', 'pufferlib.pufferl', 'train'])).toBeNull();
    expect(scriptOperand(['python3', '-mpufferlib.pufferl'])).toBeNull();
    expect(scriptOperand(['node', '-e', 'x'])).toBeNull();
    expect(scriptOperand(['sh', '-'])).toBeNull();
    expect(scriptOperand(['./train', 'config.yaml'])).toBeNull();
    expect(scriptOperand(['bash'])).toBeNull();
  });

  it('knows interpreters by base name', () => {
    expect(['sh', '/bin/bash', 'python3', 'pypy3', 'node', 'ruby', 'perl'].every(isInterpreter)).toBe(true);
    expect(['pythn3', 'trainer', 'bashful'].some(isInterpreter)).toBe(false);
  });
});
