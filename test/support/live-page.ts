/**
 * The live tests' support: when each line of the page's live tail appeared (recorded in the page,
 * on the epoch clock the loop stamps its events with), the log's seqs and times, and the lag
 * between the two.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openSqliteStore } from '../../adapters/store/sqlite-store.js';
import { catalogueCodec } from '../../events/catalogue.js';

/** One event of the log: its seq, type and `metadata.at` (epoch ms). */
export interface LoggedEvent {
  seq: number;
  type: string;
  at: number;
}

/** Every event of `ws`'s log, read through a read-only connection. */
export function loggedEvents(ws: string): LoggedEvent[] {
  const store = openSqliteStore(join(ws, 'events.db'), catalogueCodec, { readonly: true });
  try {
    return [...store.readAll()].map((s) => ({ seq: s.seq, type: s.event.type, at: Date.parse(s.event.metadata.at) }));
  } finally {
    store.close();
  }
}

/**
 * Starts recording, in the page, the time each new `[data-testid=tail] li[data-seq]` is added
 * (`performance.timeOrigin + performance.now()`, epoch ms; the observer runs right after the DOM change).
 */
export async function recordTailArrivals(page: Page): Promise<void> {
  await page.evaluate(() => {
    const list = document.querySelector('[data-testid=tail]');
    if (!list) throw new Error('the page shows no live tail');
    const arrivals: [number, number][] = [];
    (window as unknown as { apArrivals: [number, number][] }).apArrivals = arrivals;
    new MutationObserver((records) => {
      const now = performance.timeOrigin + performance.now();
      for (const r of records)
        for (const node of r.addedNodes) {
          const seq = node instanceof HTMLElement ? node.getAttribute('data-seq') : null;
          if (seq !== null) arrivals.push([Number(seq), now]);
        }
    }).observe(list, { childList: true });
  });
}

/** What `recordTailArrivals` recorded: [seq, epoch ms] in the order the lines appeared. */
export function tailArrivals(page: Page): Promise<[number, number][]> {
  return page.evaluate(() => (window as unknown as { apArrivals: [number, number][] }).apArrivals);
}

/** The seqs the tail shows, top to bottom. */
export function tailSeqs(page: Page): Promise<number[]> {
  return page.$$eval('[data-testid=tail] li', (lis) => lis.map((li) => Number(li.getAttribute('data-seq'))));
}

/** Waits until the tail shows `seq` (the log's last, say). */
export async function tailReaches(page: Page, seq: number, timeout = 15_000): Promise<void> {
  await page.waitForSelector(`[data-testid=tail] li[data-seq="${seq}"]`, { state: 'attached', timeout });
}

/** The median of `xs`. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
