import { describe, expect, it } from 'vitest';
import { containmentSupport } from '../../../adapters/launcher/containment.js';
import { launchLocal } from '../../../adapters/launcher/local.js';
import { processAlive } from '../../../adapters/launcher/process-group.js';
import { fakeSpec, killRecorded, recordedPids, tempDir, waitForRole } from './support.js';

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
