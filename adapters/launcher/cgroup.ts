/**
 * cgroup v2 containment of a launch: each trainer or agent runs (with its supervisor) in a cgroup of
 * its own, which no `setsid` or double fork can leave; the launch is over once the cgroup holds no
 * process, and `cgroup.kill` ends everything in it at once.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitWhile } from './process-group.js';

/** Where this process's own cgroup lives in the cgroup v2 hierarchy, or null without one. */
export function ownCgroupDir(): string | null {
  let mountinfo: string;
  let own: string;
  try {
    mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
    own = readFileSync('/proc/self/cgroup', 'utf8');
  } catch {
    return null;
  }
  // "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ... - FSTYPE SOURCE SUPER"
  const mount = mountinfo
    .split('\n')
    .map((l) => l.split(' - '))
    .find(([, rest]) => rest?.startsWith('cgroup2 '))?.[0]
    ?.split(' ')[4];
  const path = own
    .split('\n')
    .find((l) => l.startsWith('0::'))
    ?.slice(3);
  if (!mount || path === undefined) return null;
  return join(mount, path);
}

/** The processes in cgroup `dir` (empty when it is gone). */
export function cgroupMembers(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** True while any process lives in cgroup `dir` (or a cgroup below it). */
export function cgroupPopulated(dir: string): boolean {
  try {
    return /^populated 1$/m.test(readFileSync(join(dir, 'cgroup.events'), 'utf8'));
  } catch {
    return cgroupMembers(dir).length > 0;
  }
}

/** Sends `signal` to every process in cgroup `dir` except `spare`; returns how many it signalled. */
export function signalCgroup(dir: string, signal: NodeJS.Signals, spare?: number): number {
  let n = 0;
  for (const pid of cgroupMembers(dir)) {
    if (pid === spare) continue;
    try {
      process.kill(pid, signal);
      n++;
    } catch {
      // exited meanwhile
    }
  }
  return n;
}

/** Kills everything in cgroup `dir` at once (`cgroup.kill`, or SIGKILL to each member where the kernel lacks it). */
export function killCgroup(dir: string): void {
  if (existsSync(join(dir, 'cgroup.kill'))) {
    try {
      writeFileSync(join(dir, 'cgroup.kill'), '1');
      return;
    } catch {
      // fall through to one by one
    }
  }
  signalCgroup(dir, 'SIGKILL');
}

/** Waits until cgroup `dir` holds no process, or `ms` have passed; true when it is empty. */
export function waitCgroupEmpty(dir: string, ms: number): Promise<boolean> {
  return waitWhile(() => cgroupPopulated(dir), ms);
}

/** Removes the (empty) cgroup `dir`; false when it cannot be removed yet. */
export function removeCgroup(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** Moves process `pid` into cgroup `dir`. */
export function joinCgroup(dir: string, pid: number): void {
  writeFileSync(join(dir, 'cgroup.procs'), String(pid));
}

let counter = 0;

/** Makes a fresh cgroup for one launch under `base`. */
export function createLaunchCgroup(base: string): string {
  mkdirSync(base, { recursive: true });
  const dir = join(base, `${process.pid}-${++counter}-${Math.floor(Math.random() * 36 ** 5).toString(36)}`);
  mkdirSync(dir);
  return dir;
}
