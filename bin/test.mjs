#!/usr/bin/env node
// `npm test`: the static checks (bin/checks.mjs) and every vitest tier at the same time. The tiers
// leave a core idle for about a fifth of their run (files waiting on sleeping trainers, Slurm's
// queue, timeouts, the last long files); the checks fill that time instead of running first on
// their own (a minute on 2 cores). Vitest's output streams as it runs; the checks' output
// is printed whole once both are done. The exit code is 1 if either failed.
// Usage: node bin/test.mjs [vitest arguments...]
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Resolves with the exit code of `child` (1 when it could not start or died of a signal). */
function ended(child) {
  return new Promise((resolve) => {
    child.on('error', (e) => {
      process.stderr.write(`test: ${e.message}\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

// checks.mjs nices every check but the lint: the lint (a minute of CPU on one thread) runs beside the
// tests at their priority, so it ends well before them; niced too, it got only what they left and
// ran on alone for half a minute after them, with a core idle.
const checks = spawn(process.execPath, [join(root, 'bin', 'checks.mjs')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
const out = [];
checks.stdout.on('data', (c) => out.push(c));
checks.stderr.on('data', (c) => out.push(c));

const vitest = spawn(join(root, 'node_modules', '.bin', 'vitest'), ['run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });

const [checksCode, vitestCode] = await Promise.all([ended(checks), ended(vitest)]);
process.stdout.write(Buffer.concat(out).toString());
process.stdout.write(`test: checks ${checksCode === 0 ? 'passed' : `FAILED (exit ${checksCode})`}, vitest ${vitestCode === 0 ? 'passed' : `FAILED (exit ${vitestCode})`}\n`);
process.exit(checksCode === 0 && vitestCode === 0 ? 0 : 1);
