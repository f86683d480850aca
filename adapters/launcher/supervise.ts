/**
 * The trainer's supervisor: a tiny process that leads the trainer's process group, copies its
 * output into the log files, and records how it ended in an exit file. Because it does not
 * depend on the orchestrator, a trainer keeps running (and its end is known) when the
 * orchestrator dies; a restarted orchestrator reattaches by pid and reads the exit file.
 *
 * The trainer starts only once GO_FILE exists (a name unique to this launch): the orchestrator creates it right after it
 * has recorded RunStarted, so a launch the log does not know of never runs. If the orchestrator
 * dies before that, the supervisor records in the exit file that the trainer never started, and exits.
 *
 * Usage: node supervise.js PARENT_PID GO_FILE EXIT_FILE LOG_FILE... -- ARGV...
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';

const sep = process.argv.indexOf('--');
const [parentArg, goFile, exitFile, ...logs] = process.argv.slice(2, sep);
const argv = process.argv.slice(sep + 1);
// The orchestrator's pid comes as an argument: one that died before this process even started has
// already had it reparented, so reading process.ppid at start would miss the death.
const parent = Number(parentArg);
if (sep < 0 || !Number.isInteger(parent) || parent <= 0 || !goFile || !exitFile || argv.length === 0) {
  process.stderr.write('usage: supervise PARENT_PID GO_FILE EXIT_FILE LOG_FILE... -- ARGV...\n');
  process.exit(2);
}

const fds = logs.map((p) => openSync(p, 'a'));
const write = (chunk: Buffer) => {
  for (const fd of fds) writeSync(fd, chunk);
};
type Status = { exitCode: number | null; signal: string | null; error?: string; started?: false };
const record = (status: Status) => {
  const tmp = `${exitFile}.tmp`;
  writeFileSync(tmp, JSON.stringify({ ...status, pid: child?.pid ?? null, endedAt: new Date().toISOString() }));
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
const end = (status: Status) => {
  if (ended) return;
  ended = true;
  record(status);
  fds.forEach(closeSync);
  process.exit(0);
};

/** How long the supervisor waits for the go signal before giving up. */
const GO_TIMEOUT_MS = 120_000;
const waitedSince = Date.now();
let child: ReturnType<typeof spawn> | null = null;
const waitForGo = setInterval(() => {
  if (existsSync(goFile!)) {
    clearInterval(waitForGo);
    rmSync(goFile!, { force: true });
    startTrainer();
  } else if (process.ppid !== parent || Date.now() - waitedSince > GO_TIMEOUT_MS) {
    // The go never came: say so, so a restarted orchestrator knows this attempt never ran.
    clearInterval(waitForGo);
    end({ exitCode: null, signal: null, started: false, error: 'the orchestrator never let the trainer start' });
  }
}, 10);

function startTrainer(): void {
  const c = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  child = c;
  c.stdout!.on('data', write);
  c.stderr!.on('data', write);
  c.on('error', (err) => {
    write(Buffer.from(`autopilot: could not start ${argv[0]}: ${err.message}\n`));
    end({ exitCode: 127, signal: null, error: err.message });
  });
  // 'close' comes once the trainer exited and its output pipes closed. A process the trainer forked
  // may hold them open forever (a grandchild that outlives it): then the end is recorded shortly
  // after the trainer's own exit, and the orchestrator reaps the rest of the group.
  c.on('exit', (code, signal) => {
    const exitedAt = Date.now();
    setInterval(() => {
      if (Date.now() - exitedAt >= (terminating ? DRAIN_TERMINATING_MS : DRAIN_MS)) end({ exitCode: code, signal });
    }, 25);
  });
  c.on('close', (code, signal) => end({ exitCode: code, signal }));
}
