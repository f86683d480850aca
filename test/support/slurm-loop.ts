/** Loops on the real one-node Slurm for the Slurm launcher's end-to-end tests: workspaces, waits, the jobs a workspace has. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll } from 'vitest';
import { squeueAll } from '../../adapters/launcher/slurm/commands.js';
import { workspaceIdOf } from '../../adapters/actors/train-cluster.js';
import type { AutopilotEventType, EventOf } from '../../events/catalogue.js';
import { eventsOfType, logOf } from './hostile.js';
import { requireSlurm } from './slurm.js';
import { fakeTrainerWorkspace, patchSettings, ROOT } from './workspace.js';

/** Quick polls and retries, so a test waits seconds, not minutes. */
const FAST = { poll_seconds: 0.3, retry_seconds: 0.2, command_retries: 1 };

/** A fake-trainer workspace whose launcher is Slurm. */
export function slurmWorkspace(env: Record<string, string> = {}, slurm: Record<string, unknown> = {}): string {
  const ws = fakeTrainerWorkspace(env);
  patchSettings(ws, { launcher: 'slurm', slurm: { ...FAST, ...slurm } });
  return ws;
}

/** A Slurm loop confirming promotions (`evaluation.confirm_promotion`; a proposal trains better than the baseline), with `command` as its evaluator when given. */
export function confirmingSlurmWorkspace(command?: string[]): string {
  const ws = slurmWorkspace({ FAKE_TRAINER_CHECKPOINT: 'same' });
  patchSettings(ws, {
    proposer: { kind: 'command', command: { argv: [process.execPath, join(ROOT, 'test', 'fixtures', 'hostile-agent.mjs')] } },
    statistics: { replicates: 0 },
    evaluation: { confirm_promotion: true, episodes: 20, ...(command ? { command } : {}) },
  });
  return ws;
}

/**
 * For a test file of confirming Slurm loops: requires Slurm before its tests, cancels every job of
 * the workspaces it made after them, and returns the maker (confirmingSlurmWorkspace's).
 */
export function useConfirmingSlurmWorkspaces(): (command?: string[]) => string {
  const workspaces: string[] = [];
  beforeAll(() => requireSlurm());
  afterAll(async () => {
    for (const ws of workspaces) for (const j of await jobsOf(ws)) await execa('scancel', [j.jobId], { reject: false });
  });
  return (command) => {
    const ws = confirmingSlurmWorkspace(command);
    workspaces.push(ws);
    return ws;
  };
}

/** Waits until the log holds an event of `type` (matching `where`), and returns it. */
export async function waitForEvent<T extends AutopilotEventType>(ws: string, type: T, timeoutMs: number, where: (e: EventOf<T>) => boolean = () => true): Promise<EventOf<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = eventsOfType(ws, type).find(where);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(
        `no ${type} within ${timeoutMs} ms; log: ${logOf(ws)
          .map((e) => e.type)
          .join(', ')}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every job of the workspace Slurm still lists. */
export async function jobsOf(ws: string) {
  const id = workspaceIdOf(ws);
  return (await squeueAll()).filter((e) => e.comment.startsWith(`autopilot:${id}/`));
}

/** A PATH folder whose sbatch records its pid, waits 3 s, then runs the real one: a window to kill the loop between its record of an attempt and the job id. */
export async function slowSbatch(): Promise<{ shim: string; pids: string }> {
  const dir = await tempGo();
  const pids = join(dir, 'sbatch.pids');
  const real = (await execa('which', ['sbatch'])).stdout.trim();
  writeFileSync(join(dir, 'sbatch'), `#!/bin/bash\necho $$ >> '${pids}'\nsleep 3\nexec '${real}' "$@"\n`, { mode: 0o755 });
  return { shim: dir, pids };
}

/** Polls `check` until it holds. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A fresh temp folder. */
export function tempGo(): Promise<string> {
  return Promise.resolve(mkdtempSync(join(tmpdir(), 'go-')));
}
