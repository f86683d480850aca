/**
 * The trainer's supervisor: a tiny process that leads the trainer's process group, copies its
 * output into the log files, and records how it ended in an exit file. Because it does not
 * depend on the orchestrator, a trainer keeps running (and its end is known) when the
 * orchestrator dies; a restarted orchestrator reattaches by pid and reads the exit file.
 *
 * Usage: node supervise.js EXIT_FILE LOG_FILE... -- ARGV...
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';

const sep = process.argv.indexOf('--');
const [exitFile, ...logs] = process.argv.slice(2, sep);
const argv = process.argv.slice(sep + 1);
if (sep < 0 || !exitFile || argv.length === 0) {
  process.stderr.write('usage: supervise EXIT_FILE LOG_FILE... -- ARGV...\n');
  process.exit(2);
}

const fds = logs.map((p) => openSync(p, 'a'));
const write = (chunk: Buffer) => {
  for (const fd of fds) writeSync(fd, chunk);
};
const record = (status: { exitCode: number | null; signal: string | null; error?: string }) => {
  const tmp = `${exitFile}.tmp`;
  writeFileSync(tmp, JSON.stringify({ ...status, pid: child.pid ?? null, endedAt: new Date().toISOString() }));
  renameSync(tmp, exitFile);
};

/** How long output may still arrive after the trainer exited (its pipes can be held open by processes it forked). */
const DRAIN_MS = 2000;
/** The same when the group is being terminated, so the end is recorded well within the grace period. */
const DRAIN_TERMINATING_MS = 100;

// SIGTERM reaches the whole group: the trainer decides what to do with it; the supervisor stays to record the end.
let terminating = false;
process.on('SIGTERM', () => {
  terminating = true;
});
process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);

let ended = false;
const end = (status: { exitCode: number | null; signal: string | null; error?: string }) => {
  if (ended) return;
  ended = true;
  record(status);
  fds.forEach(closeSync);
  process.exit(0);
};

const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
child.stdout.on('data', write);
child.stderr.on('data', write);
child.on('error', (err) => {
  write(Buffer.from(`autopilot: could not start ${argv[0]}: ${err.message}\n`));
  end({ exitCode: 127, signal: null, error: err.message });
});
// 'close' comes once the trainer exited and its output pipes closed. A process the trainer forked
// may hold them open forever (a grandchild that outlives it): then the end is recorded shortly
// after the trainer's own exit, and the orchestrator reaps the rest of the group.
child.on('exit', (code, signal) => {
  const exitedAt = Date.now();
  setInterval(() => {
    if (Date.now() - exitedAt >= (terminating ? DRAIN_TERMINATING_MS : DRAIN_MS)) end({ exitCode: code, signal });
  }, 25);
});
child.on('close', (code, signal) => end({ exitCode: code, signal }));
