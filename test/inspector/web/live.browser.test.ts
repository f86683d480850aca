/**
 * The inspector's page beside a real running loop: `autopilot loop` (fake trainer) runs in a child
 * process while `autopilot inspect` serves its workspace to Chromium. Every event the loop appends
 * shows in the live tail in under 1 s (timed in the page against the event's own `at`, one clock);
 * the tail never loses or repeats a seq, through pauses and restarts of the server; the runs table
 * follows the running run to its end without a reload; the Statechart tab's mark moves with the live
 * machine records and ends where the log does (on the same loop: one loop, one Chromium); and no
 * request leaves 127.0.0.1.
 */
import { execa } from 'execa';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, startInspect, watchedPage, type InspectChild, type WatchedPage } from '../../support/browser.js';
import { eventsOfType, loop } from '../../support/hostile.js';
import { loggedEvents, median, recordTailArrivals, tailArrivals, tailReaches, tailSeqs } from '../../support/live-page.js';
import { drawnEdges, markMoves, openStatechart, recordMarkMoves } from '../../support/statechart-page.js';
import { CLI, fakeTrainerWorkspace } from '../../support/workspace.js';

/** Each run's trainer sleeps this long first, so a run is seen running. */
const TRAINER_MS = 1500;

let ws: string;
let browser: Browser;
let server: InspectChild;
let tail: WatchedPage;
const stops: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  ws = fakeTrainerWorkspace({ FAKE_TRAINER_BEHAVIOUR: `sleep:${TRAINER_MS}` });
  // A first session, so the page opens on a log (an empty workspace shows its empty state instead).
  const first = await loop(ws, ['--runs', '1']);
  expect(first.exitCode, first.all).toBe(0);
  browser = await launchChromium();
  stops.push(() => browser.close());
  server = await startInspect(['--workspace', ws, '--port', '0']);
  stops.push(() => server.stop());
  tail = await watchedPage(browser);
  await tail.page.goto(new URL('#/tail', server.url).href);
  await tail.page.waitForSelector('[data-testid=tail-state]:text("live")');
  await tailReaches(tail.page, loggedEvents(ws).at(-1)!.seq);
});
afterAll(async () => {
  for (const stop of stops.reverse()) await stop().catch(() => {});
});

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('the inspector beside a running loop (Chromium, real processes)', () => {
  it('shows each event the loop appends in the tail in under 1 s, the running run in the runs table until it finishes, and the machine on the statechart', async () => {
    const before = loggedEvents(ws).at(-1)!.seq;
    await recordTailArrivals(tail.page);
    const runs = await watchedPage(browser);
    await runs.page.goto(new URL('#/runs', server.url).href);
    await runs.page.waitForSelector('[data-run-id="001"]');
    // Set on this document: still there at the end only if the table changed without a reload.
    await runs.page.evaluate(() => ((window as unknown as { apSame: boolean }).apSame = true));
    // The Statechart tab beside the same loop: every move of its mark, as the page saw it.
    const chart = await watchedPage(browser);
    await openStatechart(chart.page, server.url);
    await recordMarkMoves(chart.page);

    const running = loop(ws, ['--runs', '2']);
    const row = await runs.page.waitForSelector('[data-run-id].running', { timeout: 30_000 });
    const id = (await row.getAttribute('data-run-id'))!;
    const ran = await running;
    expect(ran.exitCode, ran.all).toBe(0);
    // Within a poll of the end, every run of the log is in the table, finished.
    const ids = (JSON.parse((await execa('node', [CLI, 'status', '--json', '--workspace', ws])).stdout) as { runs: { run_id: string }[] }).runs.map((r) => r.run_id);
    expect(ids).toContain(id);
    await runs.page.waitForFunction((n) => document.querySelectorAll('[data-run-id].finished').length === n, ids.length, { timeout: 5_000 });
    expect(await runs.page.$$eval('[data-run-id]', (rows) => rows.map((r) => r.getAttribute('data-run-id')))).toEqual(ids);
    // The progress chart above it and the header's event count followed too.
    await runs.page.waitForFunction((n) => document.querySelector('[data-testid=progress-chart]')?.getAttribute('data-runs') === String(n), ids.length, { timeout: 5_000 });
    const last = loggedEvents(ws).at(-1)!.seq;
    await runs.page.waitForFunction((n) => document.querySelector('[data-testid=event-count]')?.textContent === `${n} events`, last, { timeout: 5_000 });
    expect(await runs.page.evaluate(() => (window as unknown as { apSame?: boolean }).apSame)).toBe(true);
    await screenshot(runs.page, 'inspector-live-runs');
    expect(runs.outside).toEqual([]);
    await runs.context.close();

    // The statechart's mark moved with the live machine records while the loop ran, and ends where the log does.
    const end = eventsOfType(ws, 'StateEntered').at(-1)!.data;
    await chart.page.waitForSelector(`[data-testid=statechart] .state.current[data-state=${end.to}]`);
    const moves = await markMoves(chart.page);
    const byLive = moves.filter(([, moved]) => moved === 'live').map(([state]) => state);
    expect(byLive, JSON.stringify(moves)).toEqual(expect.arrayContaining(['propose', 'validate', 'train', 'evaluate', 'journal']));
    await chart.page.waitForSelector(`[data-testid=statechart] .edge.last[data-source=${end.from}][data-target=${end.to}]`);
    // The counts were read again as the session's StateEntered events came: they are the new session's.
    const session = eventsOfType(ws, 'LoopStarted').at(-1)!.metadata.session;
    const taken = eventsOfType(ws, 'StateEntered').filter((e) => e.metadata.session === session && e.data.from !== null).length;
    await expect.poll(async () => (await drawnEdges(chart.page)).reduce((sum, e) => sum + e.count, 0)).toBe(taken);
    await screenshot(chart.page, 'inspector-statechart-live');
    expect(chart.outside).toEqual([]);
    await chart.context.close();

    const log = loggedEvents(ws);
    await tailReaches(tail.page, log.at(-1)!.seq);
    const appended = log.filter((e) => e.seq > before);
    expect(appended.length).toBeGreaterThan(20);
    const arrivals = await tailArrivals(tail.page);
    // Each appended event appeared once, in log order.
    expect(arrivals.map(([seq]) => seq)).toEqual(appended.map((e) => e.seq));
    const shownAt = new Map(arrivals);
    const lags = appended.map((e) => ({ seq: e.seq, type: e.type, lag: shownAt.get(e.seq)! - e.at }));
    const worst = lags.reduce((a, b) => (b.lag > a.lag ? b : a));
    const summary = `${lags.length} events, lag median ${median(lags.map((l) => l.lag)).toFixed(0)} ms, max ${worst.lag.toFixed(0)} ms (seq ${worst.seq} ${worst.type})`;
    console.log(`live tail: ${summary}`);
    expect(worst.lag, summary).toBeLessThan(1_000);
    expect(await tailSeqs(tail.page)).toEqual(range(1, log.at(-1)!.seq));
    await screenshot(tail.page, 'inspector-live');
  });

  it('loses and repeats nothing through pauses and restarts of the server while the loop runs', async () => {
    const port = server.url.port;
    // Long enough for both rounds of pauses and restarts below.
    const running = loop(ws, ['--runs', '5']);
    const grows = async () => {
      const seq = loggedEvents(ws).at(-1)!.seq;
      await expect.poll(() => loggedEvents(ws).at(-1)!.seq, { timeout: 30_000 }).toBeGreaterThan(seq);
    };
    for (let i = 0; i < 2; i++) {
      // The page's own reconnect: pause (the stream closes), events arrive meanwhile, resume after the last seq shown.
      await tail.page.click('[data-testid=tail-pause]');
      await tail.page.waitForSelector('[data-testid=tail-state]:text("paused")');
      await grows();
      await tail.page.click('[data-testid=tail-pause]');
      // EventSource's reconnect: the server goes away and comes back on the same port; the browser resends Last-Event-ID.
      await server.stop();
      await tail.page.waitForSelector('[data-testid=tail-state]:text("reconnecting")');
      await grows();
      server = await startInspect(['--workspace', ws, '--port', port]);
      await tail.page.waitForSelector('[data-testid=tail-state]:text("live")', { timeout: 15_000 });
    }
    const ran = await running;
    expect(ran.exitCode, ran.all).toBe(0);
    const last = loggedEvents(ws).at(-1)!.seq;
    await tailReaches(tail.page, last, 20_000);
    expect(await tailSeqs(tail.page)).toEqual(range(1, last));
  });

  it('sent no request anywhere but 127.0.0.1', () => {
    expect(tail.outside).toEqual([]);
  });
});
