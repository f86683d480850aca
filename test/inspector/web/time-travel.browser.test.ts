/**
 * The time-travel view (`#/at/N`) in a real browser (Debian Chromium) against a real `autopilot
 * inspect` child, on a workspace imported from the loop-3 history: at several N the page shows what
 * `autopilot replay --at N --json` prints; ←/→ step by one; no request leaves 127.0.0.1.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ReplayReport } from '../../../inspector/api.js';
import { whatChanged } from '../../../inspector/web/at-diff.js';
import { screenshot, useBrowserOnHistory } from '../../support/browser.js';
import { cliOut, fromLog } from '../../support/inspector.js';

const h = useBrowserOnHistory('loop-3');

/** Waits until the view has drawn seq `n`, failing at once with the page's error if it shows one. */
async function drawn(page: Page, n: number): Promise<void> {
  await page.waitForSelector(`[data-testid=time-travel][data-seq="${n}"]:not([data-loading]), [data-testid=error]`);
  const error = await page.$('[data-testid=error]');
  if (error) throw new Error(`the page shows an error at seq ${n}: ${await error.textContent()}`);
}

/** What the page shows at the seq it has drawn, in the terms of a replay report; what changed as [path, kind]. */
async function shown(page: Page) {
  const text = (testid: string) => page.textContent(`[data-testid=${testid}]`);
  return {
    type: await text('at-type'),
    state: await text('at-state'),
    status: await text('at-status'),
    context: JSON.parse((await text('at-context'))!) as unknown,
    runs: await page.$$eval('[data-testid=at-runs] [data-run-id]', (rows) => rows.map((r) => [r.getAttribute('data-run-id'), r.querySelector('.col-verdict')?.textContent ?? null])),
    changes: await page.$$eval('[data-testid=at-changes] li', (lis) => lis.map((li) => [li.getAttribute('data-path'), li.className])),
  };
}

const report = async (n: number) => JSON.parse(await cliOut(h.ws, 'replay', '--at', String(n), '--json')) as ReplayReport;

/** The same, from `autopilot replay --at N --json` (a run with no verdict yet shows an empty cell), and N-1's for what changed. */
async function replayed(n: number) {
  const r = await report(n);
  const changes = whatChanged(n > 1 ? await report(n - 1) : null, r).map((c) => [c.path, c.kind]);
  return { type: r.type, state: r.machine.state, status: r.machine.status, context: r.machine.context, runs: r.view.runs.map((run) => [run.run_id, run.verdict ?? '']), changes };
}

const rendered = (page: Page) => page.evaluate(() => performance.getEntriesByName('ap:at-rendered').map((m) => (m as PerformanceMark).detail as { seq: number }));

describe('time travel (Chromium, a real server)', () => {
  it('shows at N the state, status, context, runs and changes since N-1 that `autopilot replay --at N --json` gives: first, middle, a run boundary, last', async () => {
    const events = fromLog(h.ws, (s) => [...s.readAll()].map((e) => ({ seq: e.seq, type: e.event.type })));
    const payloads = fromLog(h.ws, (s) => new Map([...s.readAll()].map((e) => [e.seq, e.event.data as unknown])));
    const last = events.at(-1)!.seq;
    // The second run's plan: the runs table gains a row there.
    const boundary = events.filter((e) => e.type === 'RunPlanned')[1]!.seq;
    const seqs = [1, Math.floor(last / 2), boundary - 1, boundary, last];
    for (const n of seqs) {
      await h.w.page.goto(new URL(`#/at/${n}`, h.server.url).href);
      await drawn(h.w.page, n);
      expect(await shown(h.w.page), `seq ${n}`).toEqual(await replayed(n));
      expect((await rendered(h.w.page)).at(-1), `seq ${n}`).toEqual({ seq: n });
      expect(JSON.parse((await h.w.page.textContent('[data-testid=at-payload]'))!), `payload at ${n}`).toEqual(payloads.get(n));
    }
    expect((await shown(h.w.page)).runs.length).toBe(3);
    // The boundary adds the second run: what changed says so.
    expect((await replayed(boundary)).changes).toContainEqual(['view.runs[1]', 'added']);
  });

  it('opens #/at at the last event, steps by one on ←/→ with the hash following (history not grown), and draws only where a dragged slider rests', async () => {
    const last = fromLog(h.ws, (s) => s.lastSeq());
    await h.w.page.goto(new URL('#/at', h.server.url).href);
    await drawn(h.w.page, last);
    expect(await h.w.page.textContent('[data-testid=at-seq]')).toBe(`#${last} of ${last}`);
    const length = await h.w.page.evaluate(() => history.length);
    await h.w.page.keyboard.press('ArrowLeft');
    await drawn(h.w.page, last - 1);
    expect(await h.w.page.evaluate(() => location.hash)).toBe(`#/at/${last - 1}`);
    await h.w.page.keyboard.press('ArrowLeft');
    await drawn(h.w.page, last - 2);
    await h.w.page.keyboard.press('ArrowRight');
    await drawn(h.w.page, last - 1);
    expect(await h.w.page.evaluate(() => location.hash)).toBe(`#/at/${last - 1}`);
    expect(await h.w.page.evaluate(() => history.length)).toBe(length);
    expect(await shown(h.w.page)).toEqual(await replayed(last - 1));

    // The runs table keeps its filter from step to step (a button press: ←/→ in the filter box move its caret).
    await h.w.page.fill('[data-testid=at-runs] [data-testid=run-filter]', 'replicate');
    await h.w.page.click('[data-step="-1"]');
    await drawn(h.w.page, last - 2);
    expect(await h.w.page.inputValue('[data-testid=at-runs] [data-testid=run-filter]')).toBe('replicate');
    expect(await h.w.page.$$eval('[data-testid=at-runs] [data-run-id]', (rows) => rows.map((r) => r.getAttribute('data-run-id')))).toEqual(['003']);
    await h.w.page.fill('[data-testid=at-runs] [data-testid=run-filter]', '');

    // A drag: many values in quick succession; the page reads and draws the one it rests on, once.
    const before = (await rendered(h.w.page)).length;
    await h.w.page.evaluate(() => {
      const slider = document.querySelector<HTMLInputElement>('[data-testid=at-slider]')!;
      for (const v of [30, 25, 20, 15, 12]) {
        slider.value = String(v);
        slider.dispatchEvent(new Event('input', { bubbles: true }));
      }
    });
    await drawn(h.w.page, 12);
    expect(await h.w.page.evaluate(() => location.hash)).toBe('#/at/12');
    expect((await rendered(h.w.page)).slice(before)).toEqual([{ seq: 12 }]);
    await screenshot(h.w.page, 'inspector-time-travel');
  });

  it('made no request to any host but 127.0.0.1', () => {
    expect(h.w.outside).toEqual([]);
  });
});
