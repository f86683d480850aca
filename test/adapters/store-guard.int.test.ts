/**
 * The event log and the lock deleted or replaced by an agent during its step, with a real loop
 * and a real agent process: the loop finds it after the step, writes the log again from its open
 * connection, records a GuardrailViolation naming it, and loses nothing (verify passes).
 */
import { lstatSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { decoys, eventsOfType, hostileWorkspace, loop } from '../support/hostile.js';
import { CLI } from '../support/workspace.js';

/** Runs two runs with the agent doing `actions` in its first step; the loop, the violations' paths and `verify`. */
async function attacked(actions: string, extra: Record<string, string> = {}) {
  const { ws } = hostileWorkspace({ HOSTILE_AGENT_ACTIONS: actions, ...extra });
  const r = await loop(ws, ['--runs', '2'], 90_000);
  const verify = await execa(process.execPath, [CLI, 'verify', '--workspace', ws], { reject: false, all: true });
  const paths = eventsOfType(ws, 'GuardrailViolation').flatMap((e) => e.data.paths);
  return { ws, r, verify, paths };
}

describe('when the agent deletes the event log during its step', () => {
  it('writes it again from the loop’s connection, records it, and keeps every event', async () => {
    const { ws, r, verify, paths } = await attacked('delete-log');
    expect(r.exitCode, r.all).toBe(0);
    expect(verify.exitCode, verify.all).toBe(0);
    expect(paths).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'events.db', change: 'deleted', restored: true })]));
    // Nothing recorded before the step is lost: the session's start and the baseline run are there.
    expect(eventsOfType(ws, 'LoopStarted')).toHaveLength(1);
    expect(eventsOfType(ws, 'RunFinished').map((e) => e.data.runId)).toEqual(['001', '002']);
    expect(eventsOfType(ws, 'LoopCompleted')).toHaveLength(1);
  }, 120_000);
});

describe('when the agent replaces the event log by a symlink to a file outside', () => {
  it('never writes through it: the link is replaced by the log, named with its target', async () => {
    const d = decoys();
    const { ws, r, verify, paths } = await attacked('replace-log', { HOSTILE_DECOY: d.file });
    expect(r.exitCode, r.all).toBe(0);
    expect(verify.exitCode, verify.all).toBe(0);
    expect(d.unchanged()).toBe(true);
    expect(paths).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'events.db', change: 'modified', kind: 'symlink', target: d.file, restored: true })]));
    expect(lstatSync(join(ws, 'events.db')).isFile()).toBe(true);
    expect(eventsOfType(ws, 'RunFinished').map((e) => e.data.runId)).toEqual(['001', '002']);
  }, 120_000);
});

describe('when the agent deletes the lock’s files during its step', () => {
  it('locks a fresh file again and names both', async () => {
    const { ws, r, verify, paths } = await attacked('delete-lock');
    expect(r.exitCode, r.all).toBe(0);
    expect(verify.exitCode, verify.all).toBe(0);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'autopilot.lock.db', change: 'deleted', restored: true }),
        expect.objectContaining({ path: 'autopilot.lock', change: 'deleted', restored: true }),
      ]),
    );
    expect(statSync(join(ws, 'autopilot.lock.db')).isFile()).toBe(true);
  }, 120_000);
});
