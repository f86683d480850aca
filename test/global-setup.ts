import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Integration and end-to-end tests spawn the compiled CLI and trainer, so build once before any test runs. */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  // The containment helper (C) the launcher starts supervisors through in subreaper mode.
  execFileSync(process.execPath, ['dist/adapters/launcher/build-contain.js'], { cwd: root, stdio: 'inherit' });
}
