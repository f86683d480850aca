/** A workspace's log as `autopilot events --json` prints it, read through the CLI in process. */
import { expect } from 'vitest';
import { runInProcess } from './cli-in-process.js';

/** One event as `events --json` prints it. */
export interface LoggedEvent {
  seq: number;
  stream: string;
  type: string;
  data: Record<string, unknown>;
}

/** Every event of the workspace's log, in order. */
export async function loggedEvents(ws: string): Promise<LoggedEvent[]> {
  const r = await runInProcess(['events', '--workspace', ws, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as LoggedEvent);
}
