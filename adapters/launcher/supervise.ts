/**
 * The supervisor of one launch (a trainer or an agent): a tiny process that leads the launch's
 * process group, copies the command's output into the log files (capped, head and tail kept),
 * and records how it ended in an exit file. Because it does not depend on the orchestrator, a
 * trainer keeps running (and its end is known) when the orchestrator dies; a restarted
 * orchestrator reattaches by pid and reads the exit file.
 *
 * The command starts only once GO_FILE exists (a name unique to this launch): the orchestrator
 * creates it right after it has recorded the launch, so a launch the log does not know of never
 * runs. If the orchestrator dies before that, the supervisor records that the command never
 * started, and exits.
 *
 * When the command has exited, everything it left behind is ended before the end is recorded:
 * the other members of the launch's cgroup, or every descendant (a child subreaper inherits the
 * orphans of its tree), or the process group — so the run is over only when nothing of it runs.
 * A stop (SIGTERM) is passed on to all of them, and whatever still runs after the grace is killed
 * from here: the supervisor stays, as it alone sees (as a subreaper) what left the process group.
 *
 * Its files are made in folders it opened before the command ran (see supervisor-files.ts).
 *
 * Usage: node supervise.js SPEC (JSON, see {@link SupervisorSpec})
 */
import { spawn } from 'node:child_process';
import { closeSync, writeSync } from 'node:fs';
import { cgroupMembers } from './cgroup.js';
import { createCappedLog } from './capped-log.js';
import { goGiven, holdFolders, openLog, openStdin, recordExit, type ExitStatus } from './supervisor-files.js';
import { descendants, groupMembers } from './process-group.js';
import { prefixed } from '../../domain/errors.js';

/** What the supervisor is told. */
export interface SupervisorSpec {
  /** The orchestrator's pid: when it dies before the go, the command never starts. */
  parent: number;
  /** The workspace: the folders of the files below are opened inside it, never through a link. */
  root: string;
  go: string;
  exit: string;
  logs: string[];
  argv: string[];
  graceMs: number;
  maxOutputBytes: number;
  /** The launch's cgroup (containment `cgroup`), which the orchestrator moved this process into. */
  cgroup?: string;
  /** This process is a child subreaper (containment `subreaper`). */
  subreaper?: boolean;
  /** A regular file the command reads as its stdin (absent: /dev/null). */
  stdin?: string;
  /** A second log that gets the command's stdout only (for a parser a stderr write must not split). */
  stdoutLog?: string;
}

function parseSpec(text: string | undefined): SupervisorSpec {
  try {
    const s = JSON.parse(text ?? '') as SupervisorSpec;
    if (Number.isInteger(s.parent) && s.parent > 0 && typeof s.root === 'string' && s.go && s.exit && Array.isArray(s.logs) && Array.isArray(s.argv) && s.argv.length > 0) return s;
  } catch {
    // usage below
  }
  process.stderr.write('usage: supervise SPEC (JSON: parent, root, go, exit, logs, argv, graceMs, maxOutputBytes[, cgroup, subreaper])\n');
  process.exit(2);
}

const spec = parseSpec(process.argv[2]);
// Before the command exists: the folders it may later swap for links are the ones held here.
const folders = holdFolders(spec.root, [spec.go, spec.exit, ...spec.logs, ...(spec.stdoutLog ? [spec.stdoutLog] : []), ...(spec.stdin ? [spec.stdin] : [])]);
const fds = spec.logs.map((l) => openLog(folders.at(l)));
const log = createCappedLog((bytes) => {
  for (const fd of fds) writeSync(fd, bytes);
}, spec.maxOutputBytes);
const stdoutFd = spec.stdoutLog ? openLog(folders.at(spec.stdoutLog)) : null;
const stdoutLog = stdoutFd === null ? null : createCappedLog((bytes) => void writeSync(stdoutFd, bytes), spec.maxOutputBytes);

/** How long output may still arrive after the command and what it left were ended (pipes drain). */
const DRAIN_MS = 2000;
const DRAIN_TERMINATING_MS = 100;
/** The go never came within this: the orchestrator is gone or stuck. */
const GO_TIMEOUT_MS = 120_000;
/** Longest the SIGKILL rounds may take to empty the tree. */
const KILL_MS = 5000;

let terminating = false;
let child: ReturnType<typeof spawn> | null = null;
let ended = false;

/** Everything of the launch still running, besides this process. */
function leftovers(): number[] {
  const self = process.pid;
  if (spec.cgroup) return cgroupMembers(spec.cgroup).filter((p) => p !== self);
  if (spec.subreaper) return descendants(self);
  return (groupMembers(self) ?? []).filter((p) => p !== self);
}

function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids)
    try {
      process.kill(pid, signal);
    } catch {
      // gone meanwhile
    }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGKILL rounds until nothing of the launch but this process is left, or KILL_MS have passed. */
async function killAll(): Promise<void> {
  let left: number[];
  const deadline = Date.now() + KILL_MS;
  while ((left = leftovers()).length > 0 && Date.now() < deadline) {
    signalAll(left, 'SIGKILL');
    await sleep(20);
  }
}

/** Ends what the command left behind: SIGTERM and the grace (unless stopping already), then SIGKILL rounds until nothing is left. */
async function sweep(): Promise<void> {
  const left = leftovers();
  if (left.length === 0) return;
  if (!terminating) {
    signalAll(left, 'SIGTERM');
    const deadline = Date.now() + spec.graceMs;
    while (leftovers().length > 0 && Date.now() < deadline) await sleep(25);
  }
  await killAll();
}

function end(status: ExitStatus): void {
  if (ended) return;
  ended = true;
  log.end();
  stdoutLog?.end();
  try {
    recordExit(folders, spec.exit, { ...status, contained: leftovers().length === 0, pid: child?.pid ?? null });
  } catch (error) {
    // Its folder was removed: the orchestrator finds no record, as when this process is killed.
    process.stderr.write(`${prefixed(`could not record the end: ${(error as Error).message}`)}\n`);
  }
  fds.forEach(closeSync);
  if (stdoutFd !== null) closeSync(stdoutFd);
  process.exit(0);
}

// A stop. SIGTERM reaches the group; processes that left it (setsid) get it from here. What still runs after the grace is killed; the supervisor stays to record the end.
process.on('SIGTERM', () => {
  if (terminating || ended) return;
  terminating = true;
  if (!child) {
    clearInterval(waitForGo);
    end({ exitCode: null, signal: null, started: false, error: 'stopped before the command started' });
    return;
  }
  if (spec.cgroup || spec.subreaper) signalAll(leftovers(), 'SIGTERM');
  setTimeout(() => void killAll(), spec.graceMs);
});
process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);

const waitedSince = Date.now();
const waitForGo = setInterval(() => {
  if (goGiven(folders, spec.go)) {
    clearInterval(waitForGo);
    start();
  } else if (process.ppid !== spec.parent || Date.now() - waitedSince > GO_TIMEOUT_MS) {
    // The go never came: say so, so a restarted orchestrator knows this attempt never ran.
    clearInterval(waitForGo);
    end({ exitCode: null, signal: null, started: false, error: 'the orchestrator never let the command start' });
  }
}, 10);

function start(): void {
  let input: number | 'ignore' = 'ignore';
  if (spec.stdin) {
    const opened = openStdin(folders.at(spec.stdin));
    if (typeof opened === 'string') {
      log.write(Buffer.from(`${prefixed(`could not give ${spec.argv[0]} its input: ${opened}`)}\n`));
      end({ exitCode: 127, signal: null, error: opened, spawnError: 'STDIN' });
      return;
    }
    input = opened;
  }
  const c = spawn(spec.argv[0]!, spec.argv.slice(1), { stdio: [input, 'pipe', 'pipe'] });
  child = c;
  // The child has its own copy of the descriptor now.
  if (typeof input === 'number') closeSync(input);
  c.stdout!.on('data', (b: Buffer) => {
    log.write(b);
    stdoutLog?.write(b);
  });
  c.stderr!.on('data', (b: Buffer) => log.write(b));
  c.on('error', (err) => {
    log.write(Buffer.from(`${prefixed(`could not start ${spec.argv[0]}: ${err.message}`)}\n`));
    end({ exitCode: 127, signal: null, error: err.message, spawnError: (err as NodeJS.ErrnoException).code ?? 'ERROR' });
  });
  // 'close' comes once the command exited and its output pipes closed, which a process it left
  // behind may hold open: so once it exits, what it left is ended first, then the pipes drain.
  const closed = new Promise<void>((resolve) => c.on('close', () => resolve()));
  c.on('exit', (code, signal) => {
    void (async () => {
      await sweep();
      await Promise.race([closed, sleep(terminating ? DRAIN_TERMINATING_MS : DRAIN_MS)]);
      end({ exitCode: code, signal });
    })();
  });
}
