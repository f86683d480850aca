/**
 * The static export (`autopilot inspect --export DIR`) in a real browser (Debian Chromium), opened
 * from file:// with nothing else allowed: the runs table lists every run, a run's audit opens, the
 * tail says it is a static export, time travel shows what changed, and no request is made besides the file itself.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplayReport } from '../../../inspector/api.js';
import { whatChanged } from '../../../inspector/web/at-diff.js';
import { launchChromium, screenshot, watchedPage, type WatchedPage } from '../../support/browser.js';
import { historyWorkspace } from '../../support/histories.js';
import { CLI } from '../../support/workspace.js';

let ws: string;
let file: string;
let browser: Browser;
let w: WatchedPage;
/** Every request the page made (data: URLs aside: they are read from the page itself). */
const requests: string[] = [];

beforeAll(async () => {
  ws = await historyWorkspace('loop-3');
  const out = await execa(process.execPath, [CLI, 'inspect', '--export', join(mkdtempSync(join(tmpdir(), 'export-browser-')), 'report'), '--workspace', ws]);
  file = out.stdout.trim();
  expect(file).toMatch(/\/report\/inspector\.html$/);
  browser = await launchChromium();
  w = await watchedPage(browser, [], { files: true });
  w.context.on('request', (r) => {
    if (!r.url().startsWith('data:')) requests.push(r.url());
  });
});
afterAll(async () => {
  await browser?.close();
});

describe('the exported inspector (Chromium, file://, no server)', () => {
  it('lists every run, opens a run audit and says it is static, with no request besides the file', async () => {
    const status = JSON.parse((await execa(process.execPath, [CLI, 'status', '--json', '--workspace', ws])).stdout) as { runs: { run_id: string }[] };
    const page = pathToFileURL(file).href;
    await w.page.goto(`${page}#/runs`);
    await w.page.waitForSelector('[data-run-id], [data-testid=error]');
    expect(await w.page.$('[data-testid=error]').then((e) => e?.textContent())).toBeUndefined();
    expect(await w.page.$$eval('[data-run-id]', (rows) => rows.map((r) => r.getAttribute('data-run-id')))).toEqual(status.runs.map((r) => r.run_id));
    expect(await w.page.textContent('[data-testid=export-note]')).toMatch(/^static export of \d{4}-\d\d-\d\dT[\d:.]+Z, no live updates$/);
    await screenshot(w.page, 'inspector-export');

    await w.page.goto(`${page}#/runs/002`);
    await w.page.waitForSelector('[data-testid=audit] :is(pre, .error)', { timeout: 15_000 });
    expect(await w.page.textContent('[data-testid=audit] pre')).toContain('Audit of run 002');
    await w.page.waitForSelector('[data-testid=curve] :is(canvas, .error)', { timeout: 15_000 });
    expect(await w.page.$('[data-testid=curve] .error')).toBeNull();

    // The statechart, with its session picked as the view asks for it.
    await w.page.goto(`${page}#/statechart`);
    await w.page.waitForSelector('[data-testid=statechart] svg .state, [data-testid=error]');
    expect(await w.page.$('[data-testid=error]')).toBeNull();
    await w.page.selectOption('[data-testid=statechart-session]', '0001');
    await w.page.waitForSelector('[data-testid=statechart] .state.current[data-state=done]');

    // The tail shows the log's last events as exported, and opens no stream.
    await w.page.goto(`${page}#/tail`);
    await w.page.waitForSelector('[data-testid=tail] li[data-seq="48"]');
    expect(await w.page.textContent('[data-testid=tail-state]')).toMatch(/^static export of .*, no live updates$/);

    // Time travel: the export holds no `/step` answers, so the page reads N-1's report on its own for what changed.
    const replayed = async (n: number) => JSON.parse((await execa(process.execPath, [CLI, 'replay', '--at', String(n), '--json', '--workspace', ws])).stdout) as ReplayReport;
    const changes = whatChanged(await replayed(19), await replayed(20)).map((c) => c.path);
    expect(changes.length).toBeGreaterThan(0);
    await w.page.goto(`${page}#/at/20`);
    await w.page.waitForSelector('[data-testid=time-travel][data-seq="20"]:not([data-loading]), [data-testid=error]');
    expect(await w.page.$('[data-testid=error]')).toBeNull();
    expect(await w.page.textContent('[data-testid=at-state]')).toBe((await replayed(20)).machine.state);
    expect(await w.page.$$eval('[data-testid=at-changes] li', (lis) => lis.map((li) => li.getAttribute('data-path')))).toEqual(changes);

    // A path the export lacks answers a clear 404 in the page, not a request.
    await w.page.goto(`${page}#/runs/009`);
    await w.page.waitForSelector('[data-testid=audit] .error', { timeout: 15_000 });
    expect(await w.page.textContent('[data-testid=audit] .error')).toContain('404: api/runs/009/audit is not in this export of ');

    expect(requests.every((u) => u.startsWith(page.split('#')[0]!))).toBe(true);
    expect(new Set(requests.map((u) => u.split('#')[0]))).toEqual(new Set([page]));
    expect(w.outside).toEqual([]);
  });
});
