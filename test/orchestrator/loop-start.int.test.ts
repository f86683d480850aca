/** What `autopilot loop` does before a session starts: every refusal is an AutopilotError, thrown with the lock released and nothing recorded. */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock } from '../../adapters/lock.js';
import { workspacePaths } from '../../adapters/workspace.js';
import { AutopilotError, EXIT } from '../../domain/errors.js';
import { startLoop } from '../../orchestrator/loop-start.js';
import { fakeTrainerWorkspace } from '../support/workspace.js';

/** The error `startLoop` throws for `workspace` (fails when it starts). */
async function refusal(workspace: string, warnings: string[] = []): Promise<AutopilotError> {
  const thrown = await startLoop({ workspace }, (l) => warnings.push(l)).then(
    (start) => {
      start.lock.release();
      return null;
    },
    (e: unknown) => e,
  );
  expect(thrown).toBeInstanceOf(AutopilotError);
  return thrown as AutopilotError;
}

describe('when a loop cannot start', () => {
  it('throws a workspace error (exit 2) for a directory that is not a workspace', async () => {
    const e = await refusal('/tmp');
    expect([e.code, e.exitCode]).toEqual(['workspace', EXIT.usage]);
  });

  it('throws lock-held (exit 1) while another holder has the lock', async () => {
    const ws = fakeTrainerWorkspace();
    const held = acquireLock(workspacePaths(ws).lock);
    try {
      const e = await refusal(ws);
      expect([e.code, e.exitCode]).toEqual(['lock-held', EXIT.failed]);
    } finally {
      held.release();
    }
  });

  it('throws the preflight problems (exit 2), releases the lock and records nothing', async () => {
    const ws = fakeTrainerWorkspace();
    writeFileSync(join(ws, 'policy.json'), '{"keys": {}}\n');
    const warnings: string[] = [];
    const e = await refusal(ws, warnings);
    expect([e.code, e.exitCode]).toEqual(['workspace', EXIT.usage]);
    expect(e.report()).toMatch(/^autopilot: the preflight found \d+ problems?; no session was started and nothing was recorded:\n- /);
    expect(warnings).toEqual([]);
    expect(existsSync(join(ws, 'events.db'))).toBe(false);
    // Released: the next one takes it.
    acquireLock(workspacePaths(ws).lock).release();
  });
});

describe('when a workspace is fine', () => {
  it('gives the loaded workspace with the lock held', async () => {
    const ws = fakeTrainerWorkspace();
    const start = await startLoop({ workspace: ws }, () => undefined);
    try {
      expect(start.paths.root).toBe(workspacePaths(ws).root);
      expect(start.inputs).toBeNull();
      expect(start.stoppedAgent).toBeNull();
      expect((await refusal(ws)).code).toBe('lock-held');
    } finally {
      start.lock.release();
    }
  });
});
