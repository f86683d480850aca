import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STAMP, sourceHash, writeStamp } from '../bin/build-stamp.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Integration and end-to-end tests spawn the compiled CLI and trainer, so dist/ must be built from the
 * sources as they are now. Vitest calls this once per project (unit, int, e2e, slow, browser); the first call
 * builds and stamps dist/ with the sources' hash, the others (and later runs on unchanged sources, or
 * a dist/ that `npm run build` stamped) find the stamp equal and skip. Any changed byte in a source
 * changes the hash, so a stale dist is never tested. The unit tier runs nothing from dist/, so
 * `npm run test:unit` alone does not wait for a build.
 */
export default function setup(project: { name: string }): void {
  if (project.name === 'unit') return;
  const hash = sourceHash();
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash) return;
  rmSync(STAMP, { force: true });
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  // The containment helper (C) the launcher starts supervisors through in subreaper mode.
  execFileSync(process.execPath, ['dist/adapters/launcher/build-contain.js'], { cwd: root, stdio: 'inherit' });
  // The statechart's layout, laid out once here so the inspector never runs ELK on its own thread.
  execFileSync(process.execPath, ['dist/inspector/layout-statechart.js'], { cwd: root, stdio: 'inherit' });
  // The inspector's web app (vite compiles inspector/web/, which tsconfig.build.json leaves out).
  execFileSync('npx', ['vite', 'build', '-c', 'inspector/web/vite.config.ts'], { cwd: root, stdio: 'inherit' });
  // Its single-file build, which `inspect --export` inlines.
  execFileSync('npx', ['vite', 'build', '-c', 'inspector/web/vite.export.config.ts'], { cwd: root, stdio: 'inherit' });
  // Sources edited during the build leave the stamp unwritten, so the next run builds again.
  if (sourceHash() !== hash) return;
  writeStamp(hash);
}
