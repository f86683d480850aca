/**
 * The inspector's page in a real browser (Debian Chromium) against a real `autopilot inspect` child,
 * on a workspace imported from the loop-3 history. Every view is visited; no request may leave
 * 127.0.0.1 (any other is aborted and recorded). Screenshots go to test/artifacts/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../adapters/store/sqlite-store.js';
import { catalogueCodec, type AutopilotEvent } from '../../../events/catalogue.js';
import { screenshot, startInspect, useBrowserOnHistory, watchedPage, type WatchedPage } from '../../support/browser.js';
import { CLI, fakeTrainerWorkspace } from '../../support/workspace.js';

const h = useBrowserOnHistory('loop-3');

/** Appends `n` probe events to the log, as another writer (a loop) would; returns their seqs. */
function append(n: number): number[] {
  const writer = openSqliteStore(join(h.ws, 'events.db'), catalogueCodec);
  try {
    const seqs: number[] = [];
    for (let i = 0; i < n; i++) {
      const event: AutopilotEvent = { type: 'StateEntered', data: { from: 'done', to: 'done', event: `Probe${i}` }, metadata: { session: '0001', at: new Date().toISOString() } };
      writer.append('session-0001', [event], { expectedVersion: 'any' });
      seqs.push(writer.lastSeq());
    }
    return seqs;
  } finally {
    writer.close();
  }
}

/** Waits for the runs table's rows, failing at once with the page's error (a route the server lacks) if it shows one. */
async function runIds(page: WatchedPage['page']): Promise<(string | null)[]> {
  await page.waitForSelector('[data-run-id], [data-testid=error]');
  const error = await page.$('[data-testid=error]');
  if (error) throw new Error(`the page shows an error instead of the runs: ${await error.textContent()}`);
  return page.$$eval('[data-run-id]', (rows) => rows.map((r) => r.getAttribute('data-run-id')));
}

const tailSeqs = () => h.w.page.$$eval('[data-testid=tail] li', (lis) => lis.map((li) => Number(li.getAttribute('data-seq'))));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('the inspector page (Chromium, a real server)', () => {
  it('lists every run in the table, the same ids as `autopilot status --json`, and marks its first paint', async () => {
    const status = JSON.parse((await execa('node', [CLI, 'status', '--json', '--workspace', h.ws])).stdout);
    const ids: string[] = status.runs.map((r: { run_id: string }) => r.run_id);
    expect(ids).toHaveLength(3);
    await h.w.page.goto(new URL('#/runs', h.server.url).href);
    expect(await runIds(h.w.page)).toEqual(ids);
    await expect.poll(() => h.w.page.evaluate(() => performance.getEntriesByName('ap:first-paint').length)).toBe(1);
    await screenshot(h.w.page, 'runs');

    // Sorting by mean, descending: the best run first.
    const best = [...status.runs].sort((a: { mean: number }, b: { mean: number }) => b.mean - a.mean)[0].run_id;
    await h.w.page.click('.th[data-column=mean]');
    await h.w.page.click('.th[data-column=mean]');
    expect(await h.w.page.getAttribute('[data-run-id]:first-child', 'data-run-id')).toBe(best);
    // Filtering: every word must appear in the row (003, the baseline's replicate, shows 001 as its parent and the verdict "baseline").
    const shown = () => h.w.page.$$eval('[data-run-id]', (rows) => rows.map((r) => r.getAttribute('data-run-id')));
    await h.w.page.fill('[data-testid=run-filter]', 'builtin improved');
    expect(await shown()).toEqual(['002']);
    await h.w.page.fill('[data-testid=run-filter]', 'replicate 001');
    expect(await shown()).toEqual(['003']);
    await h.w.page.fill('[data-testid=run-filter]', 'baseline 001');
    expect((await shown()).sort()).toEqual(['001', '003']);
  });

  it('draws the optimizer progress, with a log axis on request', async () => {
    await h.w.page.goto(new URL('#/progress', h.server.url).href);
    await h.w.page.waitForSelector('[data-testid=progress-chart] canvas, [data-testid=error]');
    expect(await h.w.page.$('[data-testid=error]').then((e) => e?.textContent())).toBeUndefined();
    await h.w.page.click('[data-testid=log-toggle]');
    await h.w.page.waitForSelector('[data-testid=log-toggle].on');
    await screenshot(h.w.page, 'progress');
  });

  it('opens run 002 at #/runs/002: its audit and its learning curve', async () => {
    await h.w.page.goto(new URL('#/runs/002', h.server.url).href);
    // Each pane shows its content or the error the server answered with.
    await h.w.page.waitForSelector('[data-testid=audit] :is(pre, .error)', { timeout: 15_000 });
    await h.w.page.waitForSelector('[data-testid=curve] :is(canvas, .error)', { timeout: 15_000 });
    await screenshot(h.w.page, 'run-002');
    expect(await h.w.page.$$eval('.error', (es) => es.map((e) => e.textContent))).toEqual([]);
    expect(await h.w.page.textContent('[data-testid=audit] pre')).toContain('Audit of run 002');
  });

  it('renders the labbook and notes: one list item per labbook line, one heading per run’s section', async () => {
    await h.w.page.goto(new URL('#/labbook', h.server.url).href);
    await h.w.page.waitForSelector('article.labbook li');
    const labbook = readFileSync(join(h.ws, 'journal', 'labbook.md'), 'utf8');
    const notes = readFileSync(join(h.ws, 'journal', 'notes.md'), 'utf8');
    expect(await h.w.page.$$eval('article.labbook li', (lis) => lis.length)).toBe(labbook.split('\n').filter((l) => l.startsWith('- ')).length);
    expect(await h.w.page.$$eval('article.notes h4', (hs) => hs.map((h) => h.textContent))).toEqual([...notes.matchAll(/^## (.*)$/gm)].map((m) => m[1]));
    await screenshot(h.w.page, 'labbook');
  });

  it('shows an appended event in the live tail in under 1 s', async () => {
    await h.w.page.goto(new URL('#/tail', h.server.url).href);
    await h.w.page.waitForSelector('[data-testid=tail] li[data-seq="48"]');
    await h.w.page.waitForSelector('[data-testid=tail-state]:text("live")');
    const [seq] = append(1);
    const appended = Date.now();
    await h.w.page.waitForSelector(`[data-testid=tail] li[data-seq="${seq}"]`, { timeout: 5_000 });
    expect(Date.now() - appended).toBeLessThan(1_000);
    expect(await tailSeqs()).toEqual(range(1, seq!));
    await screenshot(h.w.page, 'tail');
  });

  it('loses and repeats nothing when the stream is closed and opened again', async () => {
    await h.w.page.click('[data-testid=tail-pause]');
    await h.w.page.waitForSelector('[data-testid=tail-state]:text("paused")');
    const seqs = append(5);
    await h.w.page.click('[data-testid=tail-pause]');
    await h.w.page.waitForSelector(`[data-testid=tail] li[data-seq="${seqs.at(-1)}"]`, { timeout: 5_000 });
    expect(await tailSeqs()).toEqual(range(1, seqs.at(-1)!));
  });

  it('sent no request anywhere but 127.0.0.1 after every view', () => {
    expect(h.w.outside).toEqual([]);
  });
});

describe('an inspector bound to 127.0.0.2', () => {
  it('answers the page without its token with 401, and with it shows the runs', async () => {
    const other = await startInspect(['--workspace', h.ws, '--port', '0', '--host', '127.0.0.2']);
    h.stops.push(() => other.stop());
    const p = await watchedPage(h.browser, ['127.0.0.2']);
    const bare = new URL('/', other.url);
    const refused = await p.page.goto(bare.href);
    expect(refused!.status()).toBe(401);
    expect(await p.page.textContent('body')).toMatch(/needs its token/);
    await screenshot(p.page, 'no-token-401');
    const opened = await p.page.goto(other.url.href);
    expect(opened!.status()).toBe(200);
    // The cookie the token set carries the API reads.
    expect(await runIds(p.page)).toHaveLength(3);
    expect(p.outside).toEqual([]);
    await p.context.close();
  });
});

describe('an inspector on a workspace with no log yet', () => {
  it('says how to start one', async () => {
    const empty = await startInspect(['--workspace', fakeTrainerWorkspace(), '--port', '0']);
    h.stops.push(() => empty.stop());
    const p = await watchedPage(h.browser);
    await p.page.goto(empty.url.href);
    expect(await p.page.textContent('[data-testid=empty]')).toBe('no runs yet — start autopilot loop');
    await screenshot(p.page, 'empty');
    expect(p.outside).toEqual([]);
    await p.context.close();
  });
});
