/**
 * The inspector never slows the loop: N fake-trainer runs with `autopilot inspect` serving the
 * workspace, one client streaming /api/stream (log and live machine records) and a Chromium page on
 * each live view (the tail, the runs table following the log) take as long per run, within noise, as
 * N runs with no inspector. The noise band is measured here, by two baseline sessions.
 */
import { execa } from 'execa';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchedPage } from '../../support/browser.js';
import { eventsOfType, logOf, loop } from '../../support/hostile.js';
import { median, tailReaches, tailSeqs } from '../../support/live-page.js';
import { parseSseBlock } from '../../support/sse.js';
import { CLI, fakeTrainerWorkspace } from '../../support/workspace.js';

const RUNS = 8;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

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
    // The page: the tail in one tab, the runs table in another, open on the empty workspace (each loads the log once it appears).
    const page = await watchedPage(browser);
    try {
      const runs = await page.context.newPage();
      for (const [p, view] of [
        [page.page, 'tail'],
        [runs, 'runs'],
      ] as const) {
        await p.goto(`${url}#/${view}`);
        await p.waitForSelector('[data-testid=empty]');
      }
      const times = await session(ws);
      // Let the stream and the page catch up with the end of the loop, then close them.
      const total = logOf(ws).length;
      for (let i = 0; i < 100 && counts.log < total; i++) await new Promise((r) => setTimeout(r, 100));
      abort.abort();
      await reading;
      await tailReaches(page.page, total);
      const shown = await tailSeqs(page.page);
      expect(shown).toEqual(Array.from({ length: total - shown[0]! + 1 }, (_, i) => shown[0]! + i));
      await runs.waitForFunction((n) => document.querySelectorAll('[data-run-id].finished').length === n, RUNS, { timeout: 5_000 });
      expect(page.outside).toEqual([]);
      return { times, ...counts };
    } finally {
      await page.context.close();
    }
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
    const summary = `median ms per run: without ${ma.toFixed(0)} and ${mb.toFixed(0)}, with the inspector and a page ${mi.toFixed(0)}; ratio ${ratio.toFixed(2)}, band ${band.toFixed(2)}`;
    console.log(summary);
    expect(ratio, summary).toBeLessThanOrEqual(band);
  });
});
