/** Helpers for the launcher tests: temp dirs, launch specs for the fake trainer, recorded pids. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { afterEach } from 'vitest';
import { launchLocal, type LaunchHandle, type LaunchSpec } from '../../../adapters/launcher/local.js';
import { processAlive, signalGroup } from '../../../adapters/launcher/process-group.js';
import type { AutopilotEvent, AutopilotEventType, EventOf } from '../../../events/catalogue.js';
import { FAKE_TRAINER } from '../../support/workspace.js';
import { logOf } from '../../support/hostile.js';

/** A fresh temp directory. */
export function tempDir(prefix = 'autopilot-launch-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A launch of the fake trainer with `behaviour`, its files in `dir`; timeouts in milliseconds. */
export function fakeSpec(
  dir: string,
  behaviour: string,
  ms: { wall?: number; noOutput?: number; grace?: number } = {},
  containment: LaunchSpec['containment'] = 'process-group',
  maxOutputBytes = 64 << 20,
): LaunchSpec {
  return {
    argv: [process.execPath, FAKE_TRAINER],
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      FAKE_TRAINER_BEHAVIOUR: behaviour,
      FAKE_TRAINER_PIDS: join(dir, 'pids.jsonl'),
      PUFFER_AUTOPILOT_RUN_ID: '001',
      PUFFER_AUTOPILOT_RUN_DIR: dir,
      PUFFER_AUTOPILOT_SUMMARY: join(dir, 'trainer_summary.json'),
    },
    root: dir,
    logFile: join(dir, 'out.log'),
    exitFile: join(dir, 'exit.json'),
    containment,
    maxOutputBytes,
    wallMs: ms.wall ?? 60_000,
    noOutputMs: ms.noOutput ?? 60_000,
    graceMs: ms.grace ?? 1000,
  };
}

/** The processes the fake trainer recorded in `dir/pids.jsonl`. */
export function recordedPids(dir: string): { role: string; pid: number }[] {
  const file = join(dir, 'pids.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { role: string; pid: number });
}

/** Resolves once the fake trainer has recorded a process with `role`. */
export async function waitForRole(dir: string, role: string): Promise<number> {
  for (;;) {
    const hit = recordedPids(dir).find((p) => p.role === role);
    if (hit) return hit.pid;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The recorded processes that are still running (zombies count as gone). */
export function survivors(dir: string): { role: string; pid: number }[] {
  return recordedPids(dir).filter((p) => processAlive(p.pid));
}

/** SIGKILLs whatever the fake trainer recorded, for cleanup after a failed assertion. */
export function killRecorded(dir: string): void {
  for (const p of recordedPids(dir))
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone
    }
}

/** Every event in a workspace's log, read through a read-only connection (safe while a loop runs). */
export function readEvents(workspace: string): AutopilotEvent[] {
  return logOf(workspace);
}

/** The events of one type in a workspace's log. */
export function eventsOf<T extends AutopilotEventType>(workspace: string, type: T): EventOf<T>[] {
  return readEvents(workspace).filter((e): e is EventOf<T> => e.type === type);
}

/** Polls `check` every 100 ms until it returns something other than undefined/false (the test's timeout bounds the wait). */
export async function until<T>(check: () => T | undefined | false): Promise<T> {
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A workspace file as text ('' while it does not exist). */
export function readText(workspace: string, rel: string): string {
  try {
    return readFileSync(join(workspace, rel), 'utf8');
  } catch {
    return '';
  }
}

/**
 * A `launch(behaviour, ms)` that starts the fake trainer in a fresh temp dir; every launch is
 * SIGKILLed and its dir removed after each test (call once, at the top of a test file).
 */
export function useLaunches(): (behaviour: string, ms: Parameters<typeof fakeSpec>[2]) => { dir: string; handle: LaunchHandle } {
  const dirs: string[] = [];
  const handles: LaunchHandle[] = [];
  afterEach(() => {
    for (const h of handles.splice(0)) signalGroup(h.pid, 'SIGKILL');
    for (const d of dirs.splice(0)) {
      killRecorded(d);
      rmSync(d, { recursive: true, force: true });
    }
  });
  return (behaviour, ms) => {
    const dir = tempDir();
    dirs.push(dir);
    const handle = launchLocal(fakeSpec(dir, behaviour, ms));
    handles.push(handle);
    return { dir, handle };
  };
}
