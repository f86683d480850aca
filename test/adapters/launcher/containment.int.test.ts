import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { containmentSupport } from '../../../adapters/launcher/containment.js';
import { attachLocal, launchLocal, type LaunchHandle } from '../../../adapters/launcher/local.js';
import { processAlive } from '../../../adapters/launcher/process-group.js';
import { fakeSpec, killRecorded, recordedPids, tempDir, waitForRole } from './support.js';

const STUBBORN = fileURLToPath(new URL('../../fixtures/launch-stubborn.mjs', import.meta.url));

// CI runs where a cgroup v2 hierarchy is writable (as root); a machine without one must say so explicitly.
const noCgroup = process.env.AUTOPILOT_TEST_NO_CGROUP === '1';

/** Launches the fake trainer that leaves a setsid'd, double-forked escapee behind, under `mode`. */
async function escapeUnder(mode: 'cgroup' | 'subreaper' | 'process-group', behaviour = 'escape:300', ms = {}) {
  const dir = tempDir();
  const handle = launchLocal(fakeSpec(dir, behaviour, { grace: 500, ...ms }, mode));
  const escapee = await waitForRole(dir, 'escapee');
  const r = await handle.result;
  const trainer = recordedPids(dir).find((p) => p.role === 'trainer')!.pid;
  return { dir, r, escapee, trainer, handle };
}

describe('containment on this machine', () => {
  it('is probed, and cgroup v2 is usable here (or the test run says it is not)', () => {
    const s = containmentSupport();
    if (noCgroup) expect(s.cgroupBase).toBeNull();
    else expect(s.cgroupProblem).toBeNull();
    expect(s.helper).toBe(true);
  });
});

describe.each(noCgroup ? (['subreaper'] as const) : (['cgroup', 'subreaper'] as const))('with %s containment', (mode) => {
  it('ends a setsid, double-forked process the trainer left, before the run is reported over', async () => {
    const { dir, r, escapee, handle } = await escapeUnder(mode);
    try {
      expect(r).toMatchObject({ exitCode: 0, recorded: true, contained: true });
      expect(handle.containment.mode).toBe(mode);
      expect(processAlive(escapee)).toBe(false);
    } finally {
      killRecorded(dir);
    }
  });

  it('ends it too when the run is stopped (wall-clock limit)', async () => {
    const { dir, r, escapee, trainer } = await escapeUnder(mode, 'escape:600000', { wall: 1500 });
    try {
      expect(r).toMatchObject({ stoppedFor: 'timeout', contained: true });
      expect(processAlive(trainer)).toBe(false);
      expect(processAlive(escapee)).toBe(false);
    } finally {
      killRecorded(dir);
    }
  });
});

/** Launches a command that ignores SIGTERM and leaves a setsid'd daemon appending to a decoy file outside its folder. */
async function stubbornUnder(mode: 'cgroup' | 'subreaper', wall = 600_000) {
  const dir = tempDir();
  const decoy = join(tempDir('autopilot-decoy-'), 'decoy.txt');
  const spec = { ...fakeSpec(dir, '', { grace: 500, wall }, mode), argv: [process.execPath, STUBBORN] };
  spec.env = { ...spec.env, LAUNCH_PIDS: join(dir, 'pids.jsonl'), LAUNCH_DECOY: decoy };
  const handle = launchLocal(spec);
  const daemon = await waitForRole(dir, 'daemon');
  return { dir, decoy, daemon, handle, spec };
}

const decoySize = (path: string) => statSync(path, { throwIfNoEntry: false })?.size ?? 0;

/** After a stop: the command and its daemon are gone, the decoy no longer grows, and the result says contained. */
async function expectAllEnded(dir: string, decoy: string, daemon: number, handle: LaunchHandle, stoppedFor: string) {
  const r = await handle.result;
  const size = decoySize(decoy);
  await new Promise((res) => setTimeout(res, 300));
  expect(processAlive(daemon)).toBe(false);
  expect(survivorsOf(dir)).toEqual([]);
  expect(decoySize(decoy)).toBe(size);
  expect(r).toMatchObject({ stoppedFor, recorded: true, contained: true });
}

const survivorsOf = (dir: string) => recordedPids(dir).filter((p) => processAlive(p.pid));

describe.each(noCgroup ? (['subreaper'] as const) : (['cgroup', 'subreaper'] as const))('with %s containment, a command that ignores SIGTERM', (mode) => {
  /** Launches it, stops it with `stop` (null: let the 2 s wall clock do it) and checks everything of it ended. */
  async function stopped(stop: ((l: Awaited<ReturnType<typeof stubbornUnder>>) => LaunchHandle) | null, reason: string) {
    const l = await stubbornUnder(mode, stop ? 600_000 : 2000);
    try {
      await expectAllEnded(l.dir, l.decoy, l.daemon, stop ? stop(l) : l.handle, reason);
      await l.handle.result;
    } finally {
      killRecorded(l.dir);
    }
  }

  it('has its setsid daemon ended when the wall clock stops it', () => stopped(null, 'timeout'));

  it('has its setsid daemon ended when it is stopped now', () =>
    stopped(({ handle }) => {
      handle.stop('killed');
      return handle;
    }, 'killed'));

  it('has its setsid daemon ended when a restarted orchestrator stops the attempt it reattached to', () =>
    stopped(({ handle, spec }) => {
      const again = attachLocal({ ...spec, pid: handle.pid, pidStartTime: handle.pidStartTime, logOffset: handle.logOffset, startedAtMs: Date.now(), containment: handle.containment });
      again.stop('killed');
      return again;
    }, 'killed'));
});

describe('with subreaper containment, when the supervisor is killed from outside', () => {
  it('does not say the launch was contained: only the supervisor could tell', async () => {
    const { dir, daemon, handle } = await stubbornUnder('subreaper');
    try {
      process.kill(handle.pid, 'SIGKILL');
      const r = await handle.result;
      expect(r).toMatchObject({ recorded: false, contained: false });
      expect(processAlive(daemon)).toBe(true);
    } finally {
      killRecorded(dir);
    }
  });
});

describe('with process-group containment only', () => {
  it('cannot reach a process that called setsid (why the other modes exist)', async () => {
    const { dir, r, escapee } = await escapeUnder('process-group');
    try {
      expect(r).toMatchObject({ exitCode: 0, recorded: true });
      expect(processAlive(escapee)).toBe(true);
    } finally {
      killRecorded(dir);
    }
  });
});
