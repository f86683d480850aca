import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/workspace.js';

const bench = (name: string, ...args: string[]) => execa(process.execPath, [join(ROOT, 'dist', 'bench', `${name}.js`), ...args], { reject: false });

describe.concurrent('a benchmark’s command line', () => {
  for (const name of ['history', 'inspector']) {
    it(`${name}: --help prints the usage and exits 0, before measuring anything`, async () => {
      const r = await bench(name, '--help');
      expect([r.exitCode, r.stdout]).toEqual([0, expect.stringMatching(new RegExp(`^usage: node dist/bench/${name}\\.js `))]);
      expect(r.stderr).toBe('');
    });

    it(`${name}: a wrong argument is named, with the usage, exit 2 and no stack trace`, async () => {
      const r = await bench(name, '--runs', 'ten');
      expect(r.exitCode).toBe(2);
      expect(r.stderr.split('\n')).toEqual(['--runs needs a positive integer', expect.stringMatching(/^usage: /)]);
      const unknown = await bench(name, '--bogus');
      expect([unknown.exitCode, unknown.stderr.split('\n')[0]]).toEqual([2, 'unknown argument --bogus']);
    });
  }
});
