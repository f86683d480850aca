/** Signals for a whole process group, and the identity of a live process. */
import { readdirSync, readFileSync } from 'node:fs';

/** Sends `signal` to every process of the group led by `pid`; false when none is left. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * The live processes of process group `pgid` (zombies — dead, waiting to be reaped — left out), read
 * from /proc; null where /proc cannot be read. An orphaned grandchild is reparented to pid 1, which
 * in a container may never reap it, so a signal probe of the group would see its zombie forever.
 */
export function groupMembers(pgid: number): number[] | null {
  const table = processTable();
  return table && table.filter((p) => p.pgrp === pgid).map((p) => p.pid);
}

/** Live processes (zombies left out) with their parent and group, read from /proc; null where /proc cannot be read. */
function processTable(): { pid: number; ppid: number; pgrp: number }[] | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const table: { pid: number; ppid: number; pgrp: number }[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // After the parenthesised command name: state, ppid, pgrp, ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') continue;
    table.push({ pid: Number(name), ppid: Number(fields[1]), pgrp: Number(fields[2]) });
  }
  return table;
}

/**
 * The live descendants of `pid` (children, their children, …), read from /proc. Under a child
 * subreaper, orphans of its tree are reparented to it, so this finds a process that called setsid
 * or was double-forked as well.
 */
export function descendants(pid: number): number[] {
  const table = processTable() ?? [];
  const children = new Map<number, number[]>();
  for (const p of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0)
    for (const c of children.get(queue.shift()!) ?? [])
      if (!out.includes(c)) {
        out.push(c);
        queue.push(c);
      }
  return out;
}

/** True while any process of the group led by `pid` is alive (zombies count as gone where /proc tells them apart). */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const members = groupMembers(pid);
  return members === null || members.length > 0;
}

/** Polls `busy` every 20 ms until it is false, or `ms` have passed; true when it became false. */
export async function waitWhile(busy: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (busy()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** Waits until the group led by `pid` is gone, or `ms` have passed; true when it is gone. */
export function waitGroupGone(pid: number, ms: number): Promise<boolean> {
  return waitWhile(() => groupAlive(pid), ms);
}

/** The kernel's start time of a process (clock ticks since boot), to tell it from a recycled pid; null when unknown. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; field 22 overall is starttime.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** True while `pid` runs (a zombie — dead but not yet reaped — counts as gone). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return true;
  }
}
