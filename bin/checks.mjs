#!/usr/bin/env node
// The static checks of `npm test`, run side by side (each waits on its own files; on 2 cores this
// takes about as long as the longest, the lint, instead of the sum): type-check, lint, format check,
// dependency rules. The lint, the longest, runs at normal priority and the others niced, so on 2 cores
// they fill the time it leaves instead of slowing it (82 s → 63 s on a shared 2-core machine). Each
// one's output is printed whole when it ends; the exit code is 1 if any failed.
// Usage: node bin/checks.mjs [name ...] (default: every check; names as in package.json's scripts).
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';

const CHECKS = ['typecheck', 'lint', 'format:check', 'deps'];
/** The longest check: the only one not niced. */
const LONGEST = 'lint';
const wanted = process.argv.slice(2);
const unknown = wanted.filter((n) => !CHECKS.includes(n));
if (unknown.length > 0) {
  process.stderr.write(`checks: unknown check ${unknown.join(', ')}; allowed: ${CHECKS.join(', ')}\n`);
  process.exit(2);
}

/** Runs `npm run --silent NAME`, collecting stdout and stderr in the order they arrive. */
function run(name) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', name], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Set before npm starts the check's own process, which inherits it; a refusal only costs time.
    if (name !== LONGEST && child.pid !== undefined) {
      try {
        setPriority(child.pid, 10);
      } catch {
        // Not allowed here: the check runs at normal priority.
      }
    }
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => chunks.push(c));
    child.on('error', (e) => resolve({ name, code: 1, output: `${e.message}\n`, seconds: 0 }));
    child.on('close', (code, signal) => resolve({ name, code: code ?? (signal ? 1 : 0), output: Buffer.concat(chunks).toString(), seconds: (Date.now() - started) / 1000 }));
  });
}

const results = await Promise.all((wanted.length > 0 ? wanted : CHECKS).map(run));
for (const r of results) {
  process.stdout.write(`checks: ${r.name} ${r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`} in ${r.seconds.toFixed(1)} s\n`);
  if (r.output.trim() !== '') process.stdout.write(r.output.endsWith('\n') ? r.output : `${r.output}\n`);
}
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
