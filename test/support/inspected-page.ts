/** A browser test file's setup: a workspace holding a history, an `autopilot inspect` child on it, Chromium, and one watched page. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, startInspect, watchedPage, type InspectChild, type WatchedPage } from './browser.js';
import { historyWorkspace, type HistoryName } from './histories.js';

/** What {@link useInspectedPage} made (fields set once the file's tests start). */
export interface InspectedPage {
  ws: string;
  browser: Browser;
  server: InspectChild;
  w: WatchedPage;
  /** Closed after the file's tests, last first (the setup's own are in it). */
  stops: (() => Promise<unknown>)[];
}

/** Makes the setup before the file's tests, from history `name`, and closes all of it after them. */
export function useInspectedPage(name: HistoryName): InspectedPage {
  const h = { stops: [] } as unknown as InspectedPage;
  beforeAll(async () => {
    h.ws = await historyWorkspace(name);
    h.browser = await launchChromium();
    h.stops.push(() => h.browser.close());
    h.server = await startInspect(['--workspace', h.ws, '--port', '0']);
    h.stops.push(() => h.server.stop());
    h.w = await watchedPage(h.browser);
  });
  afterAll(async () => {
    for (const stop of h.stops.reverse()) await stop().catch(() => {});
  });
  return h;
}
