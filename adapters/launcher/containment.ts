/**
 * How a launch's whole process tree is kept together, so that nothing a trainer or an agent starts —
 * also with `setsid` or a double fork — outlives its launch:
 *
 * - `cgroup`: the supervisor and everything under it run in a cgroup v2 of their own (when the
 *   hierarchy is mounted and writable, as for root or a delegated user slice);
 * - `subreaper`: the supervisor is a child subreaper (`prctl(PR_SET_CHILD_SUBREAPER)`, set by the
 *   small `contain` helper, built with `npm run build`), so orphans are reparented to it and it
 *   kills them all before it records the end;
 * - `process-group`: neither is available; only the launch's process group is signalled, which a
 *   process that calls `setsid` leaves.
 */
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Containment } from '../../events/catalogue.js';
import { PROJECT_ROOT } from '../workspace.js';
import { cgroupPopulated, createLaunchCgroup, joinCgroup, killCgroup, ownCgroupDir, removeCgroup, signalCgroup, waitCgroupEmpty } from './cgroup.js';
import { descendants } from './process-group.js';

/** The containment setting: `auto` picks the strongest that works here. */
export type ContainmentSetting = 'auto' | Containment['mode'];

/** The compiled helper that sets the subreaper flag and execs its command. */
export const CONTAIN_HELPER = join(PROJECT_ROOT, 'dist', 'adapters', 'launcher', 'contain');

/** What this machine offers, found once per process. */
export interface ContainmentSupport {
  /** The cgroup under which launches get theirs, or why there is none. */
  cgroupBase: string | null;
  cgroupProblem: string | null;
  helper: boolean;
}

let support: ContainmentSupport | null = null;

function helperUsable(): boolean {
  try {
    accessSync(CONTAIN_HELPER, constants.X_OK);
    execFileSync(CONTAIN_HELPER, ['--subreaper', '--', 'true'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

// Moves a short-lived process into a probe cgroup and kills it there: only then is the hierarchy known to work.
function probeCgroup(base: string): string | null {
  let probe: string;
  try {
    probe = createLaunchCgroup(base);
  } catch (error) {
    return `cannot create a cgroup under ${base}: ${(error as Error).message}`;
  }
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    if (child.pid === undefined) return 'cannot start a probe process';
    joinCgroup(probe, child.pid);
    if (!readFileSync(`/proc/${child.pid}/cgroup`, 'utf8').includes(probe.slice(probe.lastIndexOf('/')))) return `a process moved into ${probe} did not arrive`;
    killCgroup(probe);
    const deadline = Date.now() + 2000;
    while (cgroupPopulated(probe) && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    if (cgroupPopulated(probe)) return `${probe} could not be emptied`;
    return null;
  } catch (error) {
    return `cannot move a process into ${probe}: ${(error as Error).message}`;
  } finally {
    child.kill('SIGKILL');
    removeCgroup(probe);
  }
}

/** What containment this machine supports (probed once). */
export function containmentSupport(): ContainmentSupport {
  if (support) return support;
  const own = ownCgroupDir();
  let cgroupBase: string | null = null;
  let cgroupProblem: string | null = null;
  if (!own) cgroupProblem = 'no cgroup v2 hierarchy is mounted';
  else {
    const base = join(own, 'autopilot');
    cgroupProblem = probeCgroup(base);
    if (!cgroupProblem) cgroupBase = base;
  }
  support = { cgroupBase, cgroupProblem, helper: helperUsable() };
  return support;
}

/** The mode a setting resolves to here; throws naming what is missing when a forced mode cannot be had. */
export function resolveContainment(setting: ContainmentSetting): Containment['mode'] {
  const s = containmentSupport();
  switch (setting) {
    case 'auto':
      return s.cgroupBase ? 'cgroup' : s.helper ? 'subreaper' : 'process-group';
    case 'cgroup':
      if (!s.cgroupBase) throw new Error(`containment "cgroup" is not available here: ${s.cgroupProblem}`);
      return 'cgroup';
    case 'subreaper':
      if (!s.helper) throw new Error(`containment "subreaper" needs the helper ${CONTAIN_HELPER}, built by npm run build with a C compiler (cc)`);
      return 'subreaper';
    case 'process-group':
      return 'process-group';
    default: {
      const never: never = setting;
      throw new Error(`unknown containment ${String(never)}`);
    }
  }
}

/** One launch's containment: made before the supervisor starts, ended after it. */
export interface LaunchContainment {
  record: Containment;
  /** The command prefix that starts the supervisor (the helper for a subreaper). */
  prefix: string[];
  /** Puts the (gated, not yet running) supervisor into the containment. */
  adopt(pid: number): void;
  /** Signals everything in it: all of the cgroup, or every descendant of the subreaper `supervisor` (not itself); nothing for a process group. */
  signal(signal: NodeJS.Signals, supervisor: number): void;
  /** Kills everything left and waits until nothing is; true when nothing is. */
  empty(ms: number): Promise<boolean>;
}

/** Sets up containment of mode `mode` for one launch (or re-attaches to a recorded one). */
export function launchContainment(mode: Containment['mode'], recorded?: Containment): LaunchContainment {
  if (mode === 'cgroup') {
    const dir = recorded?.cgroup ?? createLaunchCgroup(containmentSupport().cgroupBase!);
    return {
      record: { mode, cgroup: dir },
      prefix: [],
      adopt: (pid) => joinCgroup(dir, pid),
      signal: (signal) => (signal === 'SIGKILL' ? killCgroup(dir) : void signalCgroup(dir, signal)),
      empty: async (ms) => {
        killCgroup(dir);
        const ok = await waitCgroupEmpty(dir, ms);
        if (ok) removeCgroup(dir);
        return ok;
      },
    };
  }
  if (mode === 'process-group') return { record: { mode }, prefix: [], adopt: () => undefined, signal: () => undefined, empty: () => Promise.resolve(true) };
  return {
    record: { mode },
    prefix: [CONTAIN_HELPER, '--subreaper', '--'],
    adopt: () => undefined,
    signal: (signal, supervisor) => {
      for (const pid of descendants(supervisor))
        try {
          process.kill(pid, signal);
        } catch {
          // gone meanwhile
        }
    },
    // Once the supervisor is gone its orphans are init's: only its record can tell nothing was left (see local.ts).
    empty: () => Promise.resolve(true),
  };
}
