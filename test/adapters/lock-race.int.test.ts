/**
 * The single-writer lock (compiled adapters/lock.js) taken by two processes at the same instant,
 * many times over: exactly one wins each time. The lock through whole `autopilot` loops: lock.int.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../support/workspace.js';

/**
 * Takes the lock (compiled adapters/lock.js) at the instant it is told, holds it, and reports.
 * Started once, it races for a fresh lock path per line read from stdin.
 */
const RACER = `
import { createInterface } from 'node:readline';
const { acquireLock, LockHeldError } = await import(process.argv[2]);
process.stdout.write(JSON.stringify({ ready: true }) + '\\n');
for await (const line of createInterface({ input: process.stdin })) {
  const { path, at } = JSON.parse(line);
  while (Date.now() < at) {}
  let report;
  try {
    acquireLock(path);
    report = { pid: process.pid, won: true };
  } catch (error) {
    report = { pid: process.pid, won: false, held: error instanceof LockHeldError, message: error.message };
  }
  process.stdout.write(JSON.stringify(report) + '\\n');
}
`;

describe('when two processes take the lock at the same instant, many times over', () => {
  const racers: ChildProcess[] = [];
  let dir: string;

  afterEach(() => {
    for (const r of racers.splice(0)) r.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function racer(script: string): { pid: number; next(): Promise<Record<string, unknown>>; send(o: unknown): void } {
    const child = spawn(process.execPath, [script, pathToFileURL(join(ROOT, 'dist', 'adapters', 'lock.js')).href], { stdio: ['pipe', 'pipe', 'inherit'] });
    racers.push(child);
    const queue: string[] = [];
    const waiting: ((l: string) => void)[] = [];
    createInterface({ input: child.stdout }).on('line', (l) => (waiting.length ? waiting.shift()!(l) : queue.push(l)));
    return {
      pid: child.pid!,
      next: () => new Promise((resolve) => (queue.length ? resolve(JSON.parse(queue.shift()!)) : waiting.push((l) => resolve(JSON.parse(l))))),
      send: (o) => child.stdin.write(`${JSON.stringify(o)}\n`),
    };
  }

  it('gives it to exactly one of them every time; the other is refused, naming no other pid', async () => {
    dir = mkdtempSync(join(tmpdir(), 'autopilot-lockrace-'));
    const script = join(dir, 'racer.mjs');
    writeFileSync(script, RACER);
    const [a, b] = [racer(script), racer(script)];
    await Promise.all([a.next(), b.next()]);
    const rounds = 60;
    const problems: string[] = [];
    for (let round = 0; round < rounds && problems.length === 0; round++) {
      const path = join(dir, `autopilot-${round}.lock`);
      const at = Date.now() + 15;
      a.send({ path, at });
      b.send({ path, at });
      const results = await Promise.all([a.next(), b.next()]);
      const winners = results.filter((r) => r.won);
      if (winners.length !== 1) {
        let file: string;
        try {
          file = readFileSync(path, 'utf8');
        } catch {
          file = '(none)';
        }
        problems.push(`round ${round}: ${winners.length} processes hold the lock (${JSON.stringify(results)}); the lock file says ${file}`);
      } else {
        // In a race the loser may come before the winner has written its name; it must not name anyone else.
        const loser = results.find((r) => !r.won)!;
        const named = /pid (\d+)/.exec(String(loser.message))?.[1];
        if (!loser.held || (named !== undefined && Number(named) !== winners[0]!.pid)) problems.push(`round ${round}: loser told ${JSON.stringify(loser)}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
