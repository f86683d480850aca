/**
 * The STOP file as hostile ground, with a real loop: a symlink, a FIFO or an oversize file put
 * there still stops the loop (its presence is the request), is never read through or opened to
 * block on, is removed, and the reason says what it was.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';
import { decoys } from '../support/hostile.js';
import { eventsOf, killRecorded, recordedPids, until } from '../adapters/launcher/support.js';

const started: { ws: string; kill: () => void }[] = [];
afterAll(() => {
  for (const { ws, kill } of started) {
    kill();
    killRecorded(ws);
  }
});

/** Runs a loop whose trainer waits, puts `plant` at STOP, lets the trainer end once the stop is read; the loop's StopRequested and how it ended. */
async function stopWith(plant: (stop: string) => void) {
  const ws = fakeTrainerWorkspace();
  const release = join(ws, 'release-trainer');
  patchSettings(ws, {
    trainer: { env: { FAKE_TRAINER_BEHAVIOUR: `wait:${release}`, FAKE_TRAINER_PIDS: join(ws, 'pids.jsonl') } },
    timeouts: { quick: { wall_seconds: 60, no_output_seconds: 60, grace_seconds: 1 } },
  });
  const loop = execa(process.execPath, [CLI, 'loop', '--workspace', ws, '--runs', '3', '--mode', 'quick'], { reject: false, all: true, timeout: 90_000 });
  started.push({ ws, kill: () => loop.kill('SIGKILL') });
  let done = false;
  void loop.finally(() => (done = true));
  await until(() => recordedPids(ws).some((p) => p.role === 'trainer') || done);
  plant(join(ws, 'STOP'));
  await until(() => eventsOf(ws, 'StopRequested').length > 0 || done);
  writeFileSync(release, '');
  const r = await loop;
  return { ws, r, requests: eventsOf(ws, 'StopRequested').map((e) => e.data), halted: eventsOf(ws, 'LoopHalted').map((e) => e.data) };
}

describe('a STOP that is not a readable file', () => {
  it('a symlink stops the loop, is removed, its target neither read nor changed', async () => {
    const d = decoys();
    const { ws, r, requests, halted } = await stopWith((stop) => symlinkSync(d.file, stop));
    expect(r.exitCode, r.all).toBe(1);
    expect(requests).toEqual([{ reason: `STOP file (a symlink to ${d.file}; removed, not read)`, now: false }]);
    expect(halted).toEqual([{ reason: expect.stringContaining('STOP file (a symlink'), runsCompleted: 1 }]);
    expect(d.unchanged()).toBe(true);
    expect(existsSync(join(ws, 'STOP')) || isLink(join(ws, 'STOP'))).toBe(false);
  }, 120_000);

  it('a FIFO stops the loop without blocking it, and is removed', async () => {
    const { ws, r, requests } = await stopWith((stop) => execFileSync('mkfifo', [stop]));
    expect(r.exitCode, r.all).toBe(1);
    expect(requests).toEqual([{ reason: 'STOP file (a FIFO; removed, not read)', now: false }]);
    expect(existsSync(join(ws, 'STOP'))).toBe(false);
  }, 120_000);

  it('an oversize file stops the loop unread, and is removed', async () => {
    const { ws, r, requests } = await stopWith((stop) => {
      writeFileSync(stop, 'now\n');
      truncateSync(stop, 1 << 20);
    });
    expect(r.exitCode, r.all).toBe(1);
    expect(requests).toEqual([{ reason: `STOP file (${1 << 20} bytes, more than the 4096 read; removed, not read)`, now: false }]);
    expect(existsSync(join(ws, 'STOP'))).toBe(false);
    expect(readFileSync(join(ws, 'journal/labbook.md'), 'utf8')).toContain('stop requested');
  }, 120_000);
});

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
