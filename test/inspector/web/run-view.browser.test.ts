/**
 * A run's page in a real browser (Debian Chromium) against a real `autopilot inspect` child, on the
 * loop-3 history with tracker runs recorded for runs 002 (W&B's cloud) and 003 (a self-hosted
 * server): the page links them, and nothing for a run without one.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../adapters/store/sqlite-store.js';
import { catalogueCodec, type AutopilotEvent } from '../../../events/catalogue.js';
import { useBrowserOnHistory } from '../../support/browser.js';

const h = useBrowserOnHistory('loop-3');
const URL_002 = 'https://wandb.ai/team/drone/runs/ap0001r002a1c0ffee';

/** Records `url` as the tracker run of run `runId`'s first attempt, as the loop would have. */
function linkRun(runId: string, url: string): void {
  const writer = openSqliteStore(join(h.ws, 'events.db'), catalogueCodec);
  try {
    const event: AutopilotEvent = {
      type: 'TrackerRunLinked',
      data: { runId, attempt: 1, tracker: 'wandb', url },
      metadata: { session: '0001', at: new Date().toISOString() },
    };
    writer.append(`run-${runId}`, [event], { expectedVersion: 'any' });
  } finally {
    writer.close();
  }
}

describe("a run's page (Chromium, a real server)", () => {
  it('links the tracker run the audit names, opening it apart from the inspector', async () => {
    linkRun('002', URL_002);
    await h.w.page.goto(new URL('#/runs/002', h.server.url).href);
    await h.w.page.waitForSelector('[data-testid=tracker] a', { timeout: 15_000 });
    const link = await h.w.page.$eval('[data-testid=tracker] a', (a) => ({ href: a.getAttribute('href'), rel: a.getAttribute('rel'), text: a.textContent }));
    expect(link).toEqual({ href: URL_002, rel: 'noopener noreferrer', text: URL_002 });
    expect(await h.w.page.textContent('[data-testid=tracker]')).toBe(`Weights & Biases run: ${URL_002}`);
    expect(await h.w.page.textContent('[data-testid=audit] pre')).toContain(`attempt 1 logged to Weights & Biases: ${URL_002}`);
  });

  it('links a run on a self-hosted W&B server, as the log recorded it', async () => {
    const url = 'https://wandb.mylab.org/team/drone/runs/ap0001r003a1c0ffee';
    linkRun('003', url);
    await h.w.page.goto(new URL('#/runs/003', h.server.url).href);
    // The same document: wait for run 003's link, not run 002's still shown.
    await h.w.page.waitForSelector(`[data-testid=tracker] a[href="${url}"]`, { timeout: 15_000 });
    expect(await h.w.page.textContent('[data-testid=tracker]')).toBe(`Weights & Biases run: ${url}`);
  });

  it('links nothing for a run with no tracker run', async () => {
    await h.w.page.goto(new URL('#/runs/001', h.server.url).href);
    // The same document: wait for run 001's audit, not the one still shown.
    await h.w.page.waitForFunction(() => document.querySelector('[data-testid=audit] pre')?.textContent?.includes('Audit of run 001'), undefined, { timeout: 15_000 });
    expect(await h.w.page.$$('[data-testid=tracker] a')).toHaveLength(0);
    expect(await h.w.page.textContent('[data-testid=tracker]')).toBe('');
  });
});
