/**
 * One session of the through-the-loop suite: a fresh workspace, `autopilot loop` run in it as a
 * child process as a user would run it, and its runs read back. A session that does not end with
 * exit code 0 and its whole budget of runs throws: a failed session fails the bench.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../../adapters/workspace.js';
import type { LoopObjective } from '../objectives/multimodal.js';
import { exportEvents, readSession, type SessionResult } from './results.js';
import { createLoopWorkspace, type LoopMethod } from './workspace.js';

/** A session that failed or stopped short: the bench fails (exit 1), its workspace kept for a look. */
export class SessionError extends Error {}

/** What a session is: a method on an objective for one bench seed, for `runs` runs. */
export interface SessionSpec {
  objective: LoopObjective;
  method: LoopMethod;
  seed: number;
  runs: number;
}

/** A session's results, and where its workspace was (removed unless `keep`). */
export interface SessionOutcome extends SessionResult {
  spec: Omit<SessionSpec, 'objective'> & { objective: string };
  workspace: string;
  wallS: number;
}

/** Runs `node bin/autopilot.js loop --workspace <ws>`; resolves with its exit code, its output in loop.log beside the workspace. */
function runLoop(workspace: string): Promise<number | null> {
  const log = join(dirname(workspace), 'loop.log');
  const fd = openSync(log, 'w');
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'autopilot.js'), 'loop', '--workspace', workspace], { stdio: ['ignore', fd, fd] });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      closeSync(fd);
      resolve(code);
    });
  });
}

/** Runs one session and reads it back; throws (keeping the workspace) when the loop fails or stops short. */
export async function runSession(spec: SessionSpec, keep = false): Promise<SessionOutcome> {
  const t0 = performance.now();
  const workspace = createLoopWorkspace(spec.objective, spec.method, spec.seed, spec.runs);
  const code = await runLoop(workspace);
  const where = `${spec.objective.name} ${spec.method} seed ${spec.seed}`;
  if (code !== 0) {
    const tail = readFileSync(join(dirname(workspace), 'loop.log'), 'utf8')
      .split('\n')
      .slice(-15)
      .join('\n');
    throw new SessionError(`session ${where} exited with ${code} (workspace kept: ${workspace})\n${tail}`);
  }
  const result = readSession(exportEvents(workspace), spec.objective);
  const scored = result.runs.filter((r) => r.sample !== null).length;
  if (result.runs.length !== spec.runs || scored !== spec.runs)
    throw new SessionError(`session ${where} ran ${result.runs.length} run(s), ${scored} scored, of ${spec.runs} (workspace kept: ${workspace})`);
  if (!keep) rmSync(dirname(workspace), { recursive: true, force: true });
  return { ...result, spec: { objective: spec.objective.name, method: spec.method, seed: spec.seed, runs: spec.runs }, workspace, wallS: (performance.now() - t0) / 1000 };
}
