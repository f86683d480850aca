/**
 * The inspector never slows the loop: N fake-trainer runs with `autopilot inspect` serving the
 * workspace and one client streaming /api/stream (log and live machine records) take as long per run,
 * within noise, as N runs with no inspector. The noise band is measured here, by two baseline sessions.
 */
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { eventsOfType, logOf, loop } from '../../support/hostile.js';
import { parseSseBlock } from '../../support/sse.js';
import { CLI, fakeTrainerWorkspace } from '../../support/workspace.js';

const RUNS = 8;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The wall time of each run of `ws`'s log, from its RunPlanned to its JournalWritten (ms). */
function runTimes(ws: string): number[] {
  const planned = new Map(eventsOfType(ws, 'RunPlanned').map((e) => [e.data.runId, Date.parse(e.metadata.at)]));
  return eventsOfType(ws, 'JournalWritten').map((e) => Date.parse(e.metadata.at) - planned.get(e.data.runId)!);
}

/** A session of RUNS runs; the per-run times. */
async function session(ws: string): Promise<number[]> {
  const ran = await loop(ws, ['--runs', String(RUNS)], 240_000);
  expect(ran.exitCode, ran.all).toBe(0);
  const times = runTimes(ws);
  expect(times).toHaveLength(RUNS);
  return times;
}

/** A session run with `autopilot inspect` serving `ws` and a client reading its stream; also how many machine messages came. */
async function inspectedSession(ws: string): Promise<{ times: number[]; machine: number; log: number }> {
  const server = execa('node', [CLI, 'inspect', '--workspace', ws, '--port', '0'], { reject: false });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let text = '';
      server.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const m = /inspector: (\S+)/.exec(text);
        if (m) resolve(m[1]!);
      });
      void server.then((r) => reject(new Error(`inspect ended: ${r.all ?? r.stderr}`)));
    });
    const abort = new AbortController();
    const counts = { machine: 0, log: 0 };
    const response = await fetch(`${url}api/stream`, { signal: abort.signal });
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body!) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const event = parseSseBlock(buffer.slice(0, end)).event;
            if (event === 'machine' || event === 'log') counts[event]++;
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        // aborted at the end
      }
    })();
    const times = await session(ws);
    // Let the stream catch up with the end of the loop, then close it.
    const total = logOf(ws).length;
    for (let i = 0; i < 100 && counts.log < total; i++) await new Promise((r) => setTimeout(r, 100));
    abort.abort();
    await reading;
    return { times, ...counts };
  } finally {
    server.kill('SIGTERM');
    await server;
  }
}

describe('a loop beside the inspector', () => {
  it('takes as long per run, within the noise of two sessions without it', async () => {
    // Interleaved, so a drift in the machine's load falls on both sides.
    const a = await session(fakeTrainerWorkspace());
    const inspected = await inspectedSession(fakeTrainerWorkspace());
    const b = await session(fakeTrainerWorkspace());
    expect(inspected.machine).toBeGreaterThan(RUNS * 5);
    expect(inspected.log).toBeGreaterThan(RUNS * 10);
    const [ma, mb, mi] = [median(a), median(b), median(inspected.times)];
    const spread = Math.max(ma, mb) / Math.min(ma, mb);
    const ratio = mi / ((ma + mb) / 2);
    const band = Math.max(1.5, 1.5 * spread);
    expect(
      ratio,
      `median ms per run: without ${ma.toFixed(0)} and ${mb.toFixed(0)}, with the inspector ${mi.toFixed(0)}; ratio ${ratio.toFixed(2)}, band ${band.toFixed(2)}`,
    ).toBeLessThanOrEqual(band);
  });
});
