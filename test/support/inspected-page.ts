/** A browser test file's fixture: Chromium, `autopilot inspect` on a committed history, and one watched page, made before its tests and closed after them. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, startInspect, watchedPage, type InspectChild, type WatchedPage } from './browser.js';
import { historyWorkspace, type HistoryName } from './histories.js';

/** The workspace, the browser, the inspector child and the page (fields set once the file's tests start). */
export interface InspectedPage {
  ws: string;
  browser: Browser;
  server: InspectChild;
  w: WatchedPage;
}

/** Chromium and `autopilot inspect` on a fresh workspace holding history `name`, with one page watched for requests that leave 127.0.0.1. */
export function useInspectedPage(name: HistoryName): InspectedPage {
  const h = {} as InspectedPage;
  const stops: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    h.ws = await historyWorkspace(name);
    h.browser = await launchChromium();
    stops.push(() => h.browser.close());
    h.server = await startInspect(['--workspace', h.ws, '--port', '0']);
    stops.push(() => h.server.stop());
    h.w = await watchedPage(h.browser);
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  });
  return h;
}
