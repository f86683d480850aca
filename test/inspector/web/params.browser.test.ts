/**
 * The parameters and learning-curves views in a real browser (Debian Chromium) against a real
 * `autopilot inspect` child, on a workspace imported from the loop-3 history: what they draw is held
 * to the log (policy keys, finished runs) and to the curve routes; no request may leave 127.0.0.1.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../adapters/store/sqlite-store.js';
import { catalogueCodec, type AutopilotEvent } from '../../../events/catalogue.js';
import type { CurveResponse } from '../../../inspector/api.js';
import { screenshot, useBrowserOnHistory } from '../../support/browser.js';
import { fromLog } from '../../support/inspector.js';
import { CLI } from '../../support/workspace.js';

const h = useBrowserOnHistory('loop-3');

/** The keys of the policy the session bound (its `LoopStarted`), read from the log. */
function policyKeys(): string[] {
  return fromLog(h.ws, (s) => {
    for (const { event } of s.readAll()) {
      const text = event.type === 'LoopStarted' ? event.data.inputs?.find((f) => f.path === 'policy.json')?.text : undefined;
      if (text !== undefined) return Object.keys((JSON.parse(text) as { keys: object }).keys);
    }
    throw new Error('no policy in the log');
  });
}

/** Appends one event (with metadata of session 0001, now) to `stream`, as a loop would. */
function append(stream: string, e: Omit<AutopilotEvent, 'metadata'>): void {
  const writer = openSqliteStore(join(h.ws, 'events.db'), catalogueCodec);
  try {
    writer.append(stream, [{ ...e, metadata: { session: '0001', at: new Date().toISOString() } } as AutopilotEvent], { expectedVersion: 'any' });
  } finally {
    writer.close();
  }
}

async function curvePoints(id: string): Promise<number> {
  return ((await (await fetch(new URL(`api/runs/${id}/curve`, h.server.url))).json()) as CurveResponse).points.length;
}

/** Waits for `selector`, failing at once with the page's error if it shows one instead. */
async function shown(selector: string): Promise<void> {
  await h.w.page.waitForSelector(`${selector}, [data-testid=error]`, { timeout: 15_000 });
  const error = await h.w.page.$('[data-testid=error]');
  if (error) throw new Error(`the page shows an error: ${await error.textContent()}`);
}

describe('the parameters and curves views (Chromium, a real server)', () => {
  it('#/params draws one scatter per policy key and a parallel-coordinates line per finished run; a line names its run and opens it', async () => {
    const keys = policyKeys();
    const status = JSON.parse((await execa('node', [CLI, 'status', '--json', '--workspace', h.ws])).stdout) as { runs: { run_id: string; status: string }[] };
    const finished = status.runs.filter((r) => r.status === 'completed').length;
    expect(keys.length).toBeGreaterThan(3);
    expect(finished).toBe(3);

    await h.w.page.goto(new URL('#/params', h.server.url).href);
    await shown('[data-testid=params] [data-testid=parallel]');
    expect(await h.w.page.$$eval('[data-testid=param-scatter]', (fs) => fs.map((f) => f.getAttribute('data-key')))).toEqual(keys);
    // Every run's config values every key: each scatter has a point per finished run.
    expect(await h.w.page.$$eval('[data-testid=param-scatter]', (fs) => fs.map((f) => Number(f.getAttribute('data-points'))))).toEqual(keys.map(() => finished));
    expect(await h.w.page.getAttribute('[data-testid=parallel]', 'data-lines')).toBe(String(finished));
    expect(await h.w.page.getAttribute('[data-testid=parallel]', 'data-axes')).toBe(String(keys.length + 1));
    expect(await h.w.page.textContent('[data-testid=param-scatter][data-key="train.learning_rate"] figcaption')).toBe('train.learning_rate (log)');
    await screenshot(h.w.page, 'inspector-params');

    // Down the metric axis (the last one, 56 px from the right) until a line is under the pointer.
    const box = (await h.w.page.$('[data-testid=parallel]'))!;
    const r = (await box.boundingBox())!;
    let named: string | null = null;
    for (let y = r.y + 30; y < r.y + r.height && named === null; y += 2) {
      await h.w.page.mouse.move(r.x + r.width - 56, y);
      named = await h.w.page.$('[data-testid=parallel-run]').then((a) => a?.textContent() ?? null);
    }
    expect(status.runs.map((x) => x.run_id)).toContain(named);
    await h.w.page.mouse.down();
    await h.w.page.mouse.up();
    await expect.poll(() => h.w.page.evaluate(() => location.hash)).toBe(`#/runs/${named}`);
  });

  it('#/curves/001,002 overlays two series whose points are the curve routes’, and the default shows the incumbent and the latest run', async () => {
    const counts = [await curvePoints('001'), await curvePoints('002')];
    await h.w.page.goto(new URL('#/curves/001,002', h.server.url).href);
    await shown('[data-testid=curves-chart] canvas');
    expect(await h.w.page.getAttribute('[data-testid=curves-chart]', 'data-series')).toBe('001,002');
    expect(await h.w.page.getAttribute('[data-testid=curves-chart]', 'data-points')).toBe(counts.join(','));
    expect(await h.w.page.$$eval('[data-testid=curves-chart] .u-legend .u-series', (s) => s.map((x) => x.textContent?.trim()).slice(1))).toEqual([
      expect.stringContaining('run 001'),
      expect.stringContaining('run 002'),
    ]);
    await screenshot(h.w.page, 'inspector-curves');

    // loop-3: run 001 stays the incumbent (003 replicated it), 003 is the latest.
    await h.w.page.goto(new URL('#/curves', h.server.url).href);
    await h.w.page.waitForSelector('[data-testid=curves-chart][data-series="001,003"]');
  });

  it('grows a shown curve live when a RunProgress of its run arrives', async () => {
    await h.w.page.goto(new URL('#/curves/003', h.server.url).href);
    await h.w.page.reload();
    await shown('[data-testid=curves-chart] canvas');
    const before = await curvePoints('003');
    expect(await h.w.page.getAttribute('[data-testid=curves-chart]', 'data-points')).toBe(String(before));
    append('run-003', { type: 'RunProgress', data: { runId: '003', attempt: 1, metrics: { agent_steps: 2000, mean_reward: 420 } } });
    await h.w.page.waitForSelector(`[data-testid=curves-chart][data-points="${before + 1}"]`, { timeout: 5_000 });
    expect(await curvePoints('003')).toBe(before + 1);
  });

  it('shown by default, follows a run that starts: the incumbent kept, the new run drawn as it reports', async () => {
    await h.w.page.goto(new URL('#/curves', h.server.url).href);
    await h.w.page.waitForSelector('[data-testid=curves-chart][data-series="001,003"]');
    append('run-004', { type: 'RunPlanned', data: { runId: '004', index: 4, kind: 'proposal', mode: 'quick' } });
    const started = { attempt: 1, launcher: 'local' as const, argv: ['true'], cwd: h.ws, pid: 1, pidStartTime: null, seed: null, logPath: 'logs/004.log', exitFile: null, logOffset: 0 };
    append('run-004', { type: 'RunStarted', data: { runId: '004', ...started } });
    await h.w.page.waitForSelector('[data-testid=curves-chart][data-series="001,004"]', { timeout: 5_000 });
    append('run-004', { type: 'RunProgress', data: { runId: '004', attempt: 1, metrics: { agent_steps: 500, mean_reward: 100 } } });
    await h.w.page.waitForSelector('[data-testid=curves-chart][data-points="1,1"]', { timeout: 5_000 });
    expect(await curvePoints('004')).toBe(1);
  });

  it('sent no request anywhere but 127.0.0.1', () => {
    expect(h.w.outside).toEqual([]);
  });
});
