import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { attachLocal, supervisorArgv } from '../../../adapters/launcher/local.js';
import { processStartTime } from '../../../adapters/launcher/process-group.js';
import { fakeSpec, killRecorded, recordedPids, tempDir } from './support.js';

const dirs: string[] = [];

afterEach(() => {
  for (const d of dirs.splice(0)) {
    killRecorded(d);
    rmSync(d, { recursive: true, force: true });
  }
});

/** Starts the supervisor the way launchLocal does, but with a chosen parent pid. */
function supervise(dir: string, parentPid: number) {
  const spec = fakeSpec(dir, 'ok');
  const goFile = join(dir, 'go');
  const [bin, ...args] = supervisorArgv({
    parent: parentPid,
    root: dir,
    go: goFile,
    exit: spec.exitFile,
    logs: [spec.logFile],
    argv: spec.argv,
    graceMs: spec.graceMs,
    maxOutputBytes: spec.maxOutputBytes,
  });
  const child = execa(bin!, args, {
    env: spec.env,
    extendEnv: false,
    reject: false,
  });
  return { spec, goFile, child };
}

/** A pid that has just exited: as if the orchestrator died before its supervisor was scheduled. */
async function deadPid(): Promise<number> {
  const gone = execa('true');
  const pid = gone.pid!;
  await gone;
  return pid;
}

describe('when the orchestrator died before its supervisor even started', () => {
  it('gives up at once, never starts the trainer, and records that it never started', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const { spec, child } = supervise(dir, await deadPid());
    const t0 = Date.now();
    await child;
    // Well under the 120 s it waits for a live orchestrator's go.
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(recordedPids(dir)).toEqual([]);
    const exit = JSON.parse(readFileSync(spec.exitFile, 'utf8')) as Record<string, unknown>;
    expect(exit).toMatchObject({ exitCode: null, signal: null, started: false });
  });

  it('lets a reattaching orchestrator tell that attempt from one that ran', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const { spec, child } = supervise(dir, await deadPid());
    const pid = child.pid!;
    const { containment: _c, maxOutputBytes: _m, ...rest } = spec;
    const handle = attachLocal({ ...rest, pid, pidStartTime: processStartTime(pid), logOffset: 0, startedAtMs: Date.now() });
    const r = await handle.result;
    expect(r).toMatchObject({ neverStarted: true, recorded: true, stoppedFor: null });
  });
});

describe('when the orchestrator is alive and gives the go', () => {
  it('starts the trainer and records an exit without the never-started mark', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const { spec, goFile, child } = supervise(dir, process.pid);
    writeFileSync(goFile, '');
    await child;
    expect(recordedPids(dir).map((p) => p.role)).toContain('trainer');
    const exit = JSON.parse(readFileSync(spec.exitFile, 'utf8')) as Record<string, unknown>;
    expect(exit).toMatchObject({ exitCode: 0 });
    expect(exit).not.toHaveProperty('started');
    expect(existsSync(goFile)).toBe(false);
  });
});
