/**
 * The loop's live machine stream on disk: what a real loop writes to logs/inspect-<session>.ndjson,
 * the cap, and hostile ground (a link, a FIFO, a hard link planted at the path, logs/ itself a link).
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, linkSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createActor } from 'xstate';
import { afterAll, describe, expect, it } from 'vitest';
import { liveFile, liveInspector, openLiveSink, type LiveRecord } from '../../adapters/live-inspect.js';
import { revertOutside, takeSnapshot } from '../../adapters/integrity.js';
import { decoys, eventsOfType, hostileWorkspace, loop } from '../support/hostile.js';
import { ev, inertLoop, intoTrain } from '../support/loop-harness.js';
import { copyShippedWorkspace, fakeTrainerWorkspace } from '../support/workspace.js';

const decoy = decoys();
afterAll(() => rmSync(decoy.dir, { recursive: true, force: true }));

const records = (ws: string, session = '0001'): LiveRecord[] =>
  readFileSync(join(ws, liveFile(session)), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LiveRecord);

/** Drives an inert loop actor streaming into `sink` through `rounds` plan-and-accept cycles. */
function stream(sink: ReturnType<typeof openLiveSink>, rounds: number): void {
  const actor = createActor(inertLoop(), { inspect: liveInspector(sink) });
  actor.start();
  const [started, ...rest] = intoTrain({ maxFailures: 3, maxConsecutiveFailures: 3, maxAttempts: 3 } as never);
  actor.send(started!);
  for (let i = 0; i < rounds; i++) for (const e of rest) actor.send(e);
  actor.send(ev('StopRequested', { reason: 'test', now: true }));
  actor.stop();
}

describe('a real loop (fake trainer)', () => {
  it('streams its actor to logs/inspect-<session>.ndjson, the microsteps following the StateEntered events of the log in order', async () => {
    const ws = fakeTrainerWorkspace();
    expect((await loop(ws, ['--runs', '2'])).exitCode).toBe(0);
    const lines = records(ws);
    const micro = lines.filter((r): r is Extract<LiveRecord, { kind: 'microstep' }> => r.kind === 'microstep' && r.root);
    const entered = eventsOfType(ws, 'StateEntered').map((e) => e.data);
    expect(entered.length).toBeGreaterThan(10);
    // Each state entered is a microstep into it, taken on the same event, in the log's order.
    let i = 0;
    for (const e of entered) {
      while (i < micro.length && !(micro[i]!.value === e.to && micro[i]!.event === e.event)) i++;
      expect(i, `microstep into ${e.to} on ${e.event}`).toBeLessThan(micro.length);
      i++;
    }
    expect(lines.some((r) => r.kind === 'actor' && !r.root && r.src === 'train')).toBe(true);
    expect(lines.some((r) => r.kind === 'event' && r.root && r.type === 'RunPlanned' && r.runId === '002')).toBe(true);
    expect(JSON.stringify(lines)).not.toMatch(/"context"|"_/);
  });

  it('refuses a symlink planted at the path, leaves what it points to untouched, and completes', async () => {
    const ws = fakeTrainerWorkspace();
    mkdirSync(join(ws, 'logs'), { recursive: true });
    symlinkSync(decoy.file, join(ws, liveFile('0001')));
    expect((await loop(ws, ['--runs', '1'])).exitCode).toBe(0);
    expect(decoy.unchanged()).toBe(true);
    expect(lstatSync(join(ws, liveFile('0001'))).isSymbolicLink()).toBe(true);
    expect(eventsOfType(ws, 'LoopCompleted')).toHaveLength(1);
  });

  it('is not taken for the agent tampering with the workspace while an agent proposes', async () => {
    const { ws } = hostileWorkspace({ HOSTILE_AGENT_ACTIONS: 'sleep:300' });
    expect((await loop(ws, ['--runs', '2'])).exitCode).toBe(0);
    expect(eventsOfType(ws, 'GuardrailViolation')).toEqual([]);
    // The machine took the agent's start while the agent ran: the file grew during its step.
    expect(records(ws).some((r) => r.kind === 'microstep' && r.event === 'ProposerStarted')).toBe(true);
  });
});

describe('the sink', () => {
  it('stops at its cap with one last "capped" record', () => {
    const ws = copyShippedWorkspace();
    const sink = openLiveSink(ws, '0001', { maxBytes: 2000 });
    stream(sink, 20);
    expect(sink.state()).toBe('capped');
    expect(statSync(join(ws, liveFile('0001'))).size).toBeLessThanOrEqual(2000);
    const lines = records(ws);
    expect(lines.at(-1)).toMatchObject({ kind: 'capped' });
    expect(lines.filter((r) => r.kind === 'capped')).toHaveLength(1);
    expect(lines.length).toBeGreaterThan(5);
    // A resumed session over the cap writes nothing more.
    const again = openLiveSink(ws, '0001', { maxBytes: 2000 });
    stream(again, 1);
    expect(records(ws)).toEqual(lines);
  });

  it('goes on with a resumed session’s file under the cap', () => {
    const ws = copyShippedWorkspace();
    stream(openLiveSink(ws, '0003'), 1);
    const first = records(ws, '0003').length;
    stream(openLiveSink(ws, '0003'), 1);
    expect(records(ws, '0003').length).toBeGreaterThan(first);
  });

  it('is off, writing nowhere, when a FIFO, a hard link or a link to a folder stands in the way', () => {
    const fifo = copyShippedWorkspace();
    execFileSync('mkfifo', [join(fifo, liveFile('0001'))]);
    const hard = copyShippedWorkspace();
    linkSync(decoy.file, join(hard, liveFile('0001')));
    const folder = copyShippedWorkspace();
    rmSync(join(folder, 'logs'), { recursive: true });
    symlinkSync(decoy.folder, join(folder, 'logs'));
    for (const ws of [fifo, hard, folder]) {
      const sink = openLiveSink(ws, '0001');
      stream(sink, 1);
      expect(sink.state()).toBe('off');
    }
    expect(decoy.unchanged()).toBe(true);
    expect(lstatSync(join(fifo, liveFile('0001'))).isFIFO()).toBe(true);
    expect(lstatSync(join(folder, 'logs')).isSymbolicLink()).toBe(true);
  });

  it('is the loop’s own file for the integrity check around an agent step', () => {
    const ws = copyShippedWorkspace();
    const sink = openLiveSink(ws, '0001');
    const snapshot = takeSnapshot(ws);
    stream(sink, 1);
    appendFileSync(join(ws, 'configs', 'evil.json'), '{}');
    expect(revertOutside(snapshot, []).map((c) => c.path)).toEqual(['configs/evil.json']);
  });
});
