/**
 * Builds the `contain` helper (adapters/launcher/contain.c) into dist/ with the system's C compiler
 * ($CC, else cc). Run by `npm run build`. Without a compiler the build goes on and says so: launches
 * then use cgroup containment where the machine allows it, else only their process group.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../workspace.js';
import { CONTAIN_HELPER } from './containment.js';

const source = join(PROJECT_ROOT, 'adapters', 'launcher', 'contain.c');
const cc = process.env.CC || 'cc';
try {
  mkdirSync(dirname(CONTAIN_HELPER), { recursive: true });
  execFileSync(cc, ['-O2', '-Wall', '-Werror', '-o', CONTAIN_HELPER, source], { stdio: ['ignore', 'inherit', 'inherit'] });
} catch (error) {
  process.stderr.write(
    `autopilot: could not build the containment helper with ${cc} (${(error as Error).message.split('\n')[0]}); ` +
      'the subreaper containment is unavailable: install a C compiler and run npm run build again\n',
  );
}
