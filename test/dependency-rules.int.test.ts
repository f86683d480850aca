import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const depcruise = join(root, 'node_modules', '.bin', 'depcruise');

/** A tiny project laid out like this one, checked with the repository's own rules. */
function check(files: Record<string, string>): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ap-deps-'));
  copyFileSync(join(root, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const folders = [...new Set(Object.keys(files).map((p) => p.split('/')[0] as string))];
  const r = spawnSync(depcruise, ['--config', '.dependency-cruiser.cjs', ...folders], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

// `npm test` runs the rules on this repository (`npm run deps`); these cases show they can fail.
describe('the dependency rules (npm run deps)', () => {
  it('accept a layout that points inward', () => {
    const r = check({ 'domain/a.ts': 'export const a = 1;\n', 'adapters/b.ts': "import { a } from '../domain/a.js';\nexport const b = a;\n" });
    expect(r.output).toMatch(/no dependency violations found/);
    expect(r.status).toBe(0);
  });

  it('refuse I/O in the core, a wrong-way import and a cycle, naming each rule', () => {
    const r = check({
      'domain/io.ts': "import { readFileSync } from 'node:fs';\nexport const io = readFileSync;\n",
      'domain/up.ts': "import { b } from '../adapters/b.js';\nexport const up = b;\n",
      'adapters/b.ts': 'export const b = 1;\n',
      'adapters/up.ts': "import { o } from '../orchestrator/o.js';\nexport const u = o;\n",
      'orchestrator/o.ts': 'export const o = 1;\n',
      'cli/x.ts': "import { y } from './y.js';\nexport const x = () => y;\n",
      'cli/y.ts': "import { x } from './x.js';\nexport const y = () => x;\n",
    });
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/core-is-pure: domain\/io\.ts → (node:)?fs/);
    expect(r.output).toMatch(/core-not-outward: domain\/up\.ts → adapters\/b\.ts/);
    expect(r.output).toMatch(/adapters-not-upward: adapters\/up\.ts → orchestrator\/o\.ts/);
    expect(r.output).toMatch(/no-cycles: cli\/(x|y)\.ts/);
  });
});
