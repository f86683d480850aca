import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type Result } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, fakeTrainerWorkspace, patchSettings } from '../../support/workspace.js';
import { eventsOf, killRecorded, readText, survivors, tempDir } from './support.js';

const SWAPPER = fileURLToPath(new URL('../../fixtures/launch-swap-folder.mjs', import.meta.url));

/** A workspace whose one run fails for good on its first failure, so the loop halts right after it. */
function workspace(behaviour: string, timeouts: { wall_seconds: number; no_output_seconds: number; grace_seconds: number }): string {
  const ws = fakeTrainerWorkspace({ FAKE_TRAINER_BEHAVIOUR: behaviour });
  patchSettings(ws, {
    trainer: { env: { FAKE_TRAINER_PIDS: join(ws, 'pids.jsonl') } },
    timeouts: { quick: timeouts },
    retries: { max_attempts: 1 },
    budgets: { max_consecutive_failures: 1 },
  });
  return ws;
}

function loop(ws: string): Promise<Result> {
  return execa(process.execPath, [CLI, 'loop', '--workspace', ws, '--runs', '1', '--mode', 'quick'], { reject: false, all: true });
}

describe('when the loop runs a trainer that sleeps without output', () => {
  let ws: string;
  let run: Result;
  beforeAll(async () => {
    ws = workspace('sleep:600000', { wall_seconds: 120, no_output_seconds: 1, grace_seconds: 0.5 });
    run = await loop(ws);
  });
  afterAll(() => killRecorded(ws));

  it('records RunFailed hung with the signal the trainer died of', () => {
    expect(run.exitCode, String(run.all)).toBe(1);
    const [failed, ...more] = eventsOf(ws, 'RunFailed');
    expect(more).toEqual([]);
    expect(failed?.data).toMatchObject({ runId: '001', attempt: 1, reason: 'hung', exitCode: null, signal: 'SIGTERM' });
    expect(failed?.data.message).toContain('no output for 1s');
  });

  it('says so in the labbook line and in runs/001/summary.json', () => {
    const line = readText(ws, 'journal/labbook.md')
      .split('\n')
      .find((l) => l.includes('| run 001 ('));
    expect(line).toMatch(/failed after 1 attempt\(s\): hung SIGTERM: no output for 1s/);
    expect(line).toContain('| failed (hung) |');
    expect(JSON.parse(readText(ws, 'runs/001/summary.json'))).toMatchObject({
      status: 'failed',
      failure: { reason: 'hung', exit_code: null, signal: 'SIGTERM' },
    });
  });

  it('leaves no trainer process behind', () => {
    expect(survivors(ws)).toEqual([]);
  });
});

describe('when the loop runs a trainer that keeps printing past the wall clock', () => {
  let ws: string;
  let run: Result;
  beforeAll(async () => {
    ws = workspace('tick:200', { wall_seconds: 2, no_output_seconds: 60, grace_seconds: 0.5 });
    run = await loop(ws);
  });
  afterAll(() => killRecorded(ws));

  it('records RunFailed timeout with the signal', () => {
    expect(run.exitCode, String(run.all)).toBe(1);
    expect(eventsOf(ws, 'RunFailed').map((e) => e.data)).toEqual([
      expect.objectContaining({ runId: '001', reason: 'timeout', exitCode: null, signal: 'SIGTERM', message: expect.stringContaining('wall-clock limit of 2s') }),
    ]);
  });

  it('says so in the labbook line and in runs/001/summary.json', () => {
    expect(readText(ws, 'journal/labbook.md')).toMatch(
      /\| run 001 \(baseline\): config unchanged \| failed after 1 attempt\(s\): timeout SIGTERM: wall-clock limit of 2s reached.* \| failed \(timeout\) \|/,
    );
    expect(JSON.parse(readText(ws, 'runs/001/summary.json'))).toMatchObject({ status: 'failed', failure: { reason: 'timeout', signal: 'SIGTERM' } });
  });

  it('halts the loop because the baseline failed, and leaves no process behind', () => {
    expect(eventsOf(ws, 'LoopHalted').map((e) => e.data.reason)).toEqual([expect.stringMatching(/^the baseline run 001 failed: wall-clock limit of 2s reached/)]);
    expect(survivors(ws)).toEqual([]);
  });
});

describe('when the trainer swaps logs/ for a link to a folder outside during its step', () => {
  let ws: string;
  let decoyDir: string;
  let run: Result;
  beforeAll(async () => {
    ws = workspace('ok', { wall_seconds: 60, no_output_seconds: 60, grace_seconds: 0.5 });
    decoyDir = tempDir('autopilot-decoy-');
    writeFileSync(join(decoyDir, '001.attempt-1.exit.json'), 'DECOY\n');
    patchSettings(ws, { trainer: { env: { AUTOPILOT_TRAINER: SWAPPER, LAUNCH_FOLDER: join(ws, 'logs'), LAUNCH_DECOY_DIR: decoyDir } } });
    run = await loop(ws);
  });
  afterAll(() => killRecorded(ws));

  it('writes nothing in the folder outside', () => {
    expect(readdirSync(decoyDir)).toEqual(['001.attempt-1.exit.json']);
    expect(readFileSync(join(decoyDir, '001.attempt-1.exit.json'), 'utf8')).toBe('DECOY\n');
  });

  it('still reads how the trainer ended, not as a supervisor killed from outside', () => {
    expect(run.exitCode, String(run.all)).toBe(1);
    const [failed] = eventsOf(ws, 'RunFailed');
    expect(failed?.data).toMatchObject({ runId: '001', attempt: 1, exitCode: 3 });
    expect(failed?.data.message).not.toContain('killed from outside');
  });
});
