/**
 * A first night that cannot go silently wrong: a metric the trainer does not report, a trainer that
 * cannot start, one that dies saying why, a failed baseline — each fails loudly, says why (in the
 * console, the log, the labbook, the run's summary and its audit) and exits 1, never 0.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { eventsOfType, loop } from '../support/hostile.js';
import { CLI, fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

describe('when the trainer does not report the metric', () => {
  it('fails the run as metric-missing, naming what it did report, and halts on the failed baseline', async () => {
    const ws = fakeTrainerWorkspace();
    patchSettings(ws, { metric: { name: 'reward', direction: 'maximize' } });
    const r = await loop(ws, ['--runs', '3']);
    expect(r.exitCode).toBe(1);
    const failed = eventsOfType(ws, 'RunFailed');
    // Not retried: it would fail the same way.
    expect(failed.map((e) => [e.data.runId, e.data.attempt, e.data.reason])).toEqual([['001', 1, 'metric-missing']]);
    expect(failed[0]!.data.message).toContain('no value of "reward"');
    expect(failed[0]!.data.message).toContain('"mean_reward"');
    // Never a sample of n=0, never an incumbent, never a completed loop.
    expect(eventsOfType(ws, 'RunEvaluated')).toEqual([]);
    expect(eventsOfType(ws, 'IncumbentChanged')).toEqual([]);
    expect(eventsOfType(ws, 'LoopCompleted')).toEqual([]);
    expect(eventsOfType(ws, 'RunPlanned').map((e) => e.data.runId)).toEqual(['001']);
    expect(eventsOfType(ws, 'LoopHalted')[0]?.data.reason).toMatch(/^the baseline run 001 failed: the trainer reported no value of "reward"/);
    expect(lastLine(r.all ?? '')).toMatch(/^autopilot: loop halted: the baseline run 001 failed/);
  });
});

describe('when the trainer cannot start', () => {
  it('halts at once with the cause, not after retries and more runs', async () => {
    const ws = fakeTrainerWorkspace();
    // The shell starts; the command it execs does not exist (exit 127, "not found").
    patchSettings(ws, { trainer: { command: ['sh', '-c', 'exec pythn3 train.py'] } });
    const r = await loop(ws, ['--runs', '3']);
    expect(r.exitCode).toBe(1);
    const failed = eventsOfType(ws, 'RunFailed');
    expect(failed.map((e) => [e.data.attempt, e.data.reason])).toEqual([[1, 'cannot-start']]);
    expect(failed[0]!.data.message).toMatch(/the trainer could not be started: .*pythn3.*not found/);
    expect(eventsOfType(ws, 'LoopHalted')[0]?.data.reason).toMatch(/^run 001: the trainer cannot start: /);
    expect(lastLine(r.all ?? '')).toMatch(/loop halted: run 001: the trainer cannot start: .*pythn3/);
  });
});

describe('when the trainer dies saying why', () => {
  it('carries its last lines to the log, the console, the labbook, the run summary and the audit, secrets redacted', async () => {
    const ws = fakeTrainerWorkspace();
    const script = 'echo loading the env; echo "token ghp_abcdefghijklmnopqrstuvwxyz0123 in use"; echo "CUDA error: no device found" >&2; exit 1';
    patchSettings(ws, { trainer: { command: ['sh', '-c', script] }, retries: { max_attempts: 1 } });
    const r = await loop(ws, ['--runs', '2']);
    expect(r.exitCode).toBe(1);
    const failed = eventsOfType(ws, 'RunFailed')[0]!;
    expect(failed.data).toMatchObject({ reason: 'crashed', exitCode: 1 });
    expect(failed.data.message).toContain('CUDA error: no device found');
    expect(failed.data.tail).toEqual(['loading the env', 'token <redacted> in use', 'CUDA error: no device found']);
    expect(r.stdout).toContain('  | CUDA error: no device found');
    expect(readFileSync(join(ws, 'journal/labbook.md'), 'utf8')).toContain('CUDA error: no device found');
    const summary = JSON.parse(readFileSync(join(ws, 'runs/001/summary.json'), 'utf8'));
    expect(summary.failure.tail).toEqual(failed.data.tail);
    const audit = await execa('node', [CLI, 'audit', '001', '--workspace', ws]);
    expect(audit.stdout).toContain('output | CUDA error: no device found');
    for (const text of [r.all ?? '', readFileSync(join(ws, 'events.db')).toString('latin1'), JSON.stringify(summary)]) expect(text).not.toContain('ghp_abcdefghij');
  });
});

describe('a run its halted session left unjournaled', () => {
  it('is shown interrupted, never running', async () => {
    const ws = fakeTrainerWorkspace();
    // An agent that answers garbage every time: the session halts while proposing run 002.
    patchSettings(ws, {
      proposer: {
        kind: 'command',
        max_attempts: 1,
        command: { argv: [process.execPath, '-e', 'require("fs").writeFileSync(process.env.AUTOPILOT_PROPOSAL_FILE, "not json")'] },
      },
    });
    const r = await loop(ws, ['--runs', '2']);
    expect(r.exitCode).toBe(1);
    const status = JSON.parse((await execa('node', [CLI, 'status', '--json', '--workspace', ws])).stdout);
    expect(status.runs.map((x: { run_id: string; status: string }) => [x.run_id, x.status])).toEqual([
      ['001', 'completed'],
      ['002', 'interrupted'],
    ]);
    expect(JSON.parse(readFileSync(join(ws, 'runs/002/run.json'), 'utf8')).status).toBe('interrupted');
    expect(readFileSync(join(ws, 'journal/notes.md'), 'utf8')).toContain('## Run 002: interrupted');
  });
});

describe('a workspace without the folders the launcher writes into', () => {
  it('has them made, and its runs complete', async () => {
    const ws = fakeTrainerWorkspace();
    for (const dir of ['logs', 'runs']) rmSync(join(ws, dir), { recursive: true, force: true });
    const r = await loop(ws, ['--runs', '2']);
    expect(r.exitCode).toBe(0);
    expect(eventsOfType(ws, 'RunFinished').map((e) => e.data.runId)).toEqual(['001', '002']);
    expect(eventsOfType(ws, 'RunFailed')).toEqual([]);
    expect(existsSync(join(ws, 'logs/001.log'))).toBe(true);
    expect(existsSync(join(ws, 'runs/002/summary.json'))).toBe(true);
  });
});
