/**
 * The Statechart tab on a session with 3 runs in flight, in a real browser (Debian Chromium) against
 * a real `autopilot inspect`: a real `loop --runs 6 --parallel 3` (fake trainer), its log cut where
 * every slot is in a drawn state and imported, so the session is mid-flight. Each slot's state is
 * marked on the chart and listed with its run, as a fold of the log's own events says.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, startInspect, watchedPage, type InspectChild, type WatchedPage } from '../../support/browser.js';
import { openStatechart } from '../../support/statechart-page.js';
import { CLI, fakeTrainerWorkspace } from '../../support/workspace.js';

const DRAWN = new Set(['propose', 'validate', 'train', 'evaluate', 'journal']);
type Row = { seq: number; type: string; data: { from?: string | null; to?: string; runId?: string; slot?: number } };

const cli = async (...args: string[]) => {
  const r = await execa('node', [CLI, ...args], { reject: false });
  if (r.exitCode !== 0) throw new Error(`autopilot ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
};

/** Each slot's state and run after each row, up to the first row where all three are in drawn states, not all the same. */
function cutWhereSlotsDiffer(rows: Row[]): { seq: number; states: string[]; runs: string[] } {
  const states = ['', '', ''];
  const runs = ['', '', ''];
  for (const r of rows) {
    if (r.type === 'RunPlanned' && r.data.slot !== undefined) runs[r.data.slot] = r.data.runId!;
    const m = r.type === 'StateEntered' ? /^slot(\d)\.(\w+)$/.exec(r.data.to!) : null;
    if (m) states[Number(m[1])] = m[2]!;
    // Back in idle after a run's journal, a slot holds none until its next RunPlanned.
    if (m && m[2] === 'idle' && r.data.from?.startsWith('slot')) runs[Number(m[1])] = '';
    if (states.every((s) => DRAWN.has(s)) && new Set(states).size > 1) return { seq: r.seq, states: [...states], runs: [...runs] };
  }
  throw new Error('the loop never had its 3 slots in drawn states at once');
}

describe('the statechart of a session with 3 runs in flight (Chromium, a real server)', () => {
  const h = {} as { cut: ReturnType<typeof cutWhereSlotsDiffer>; server: InspectChild; w: WatchedPage; stops: (() => Promise<unknown>)[] };
  beforeAll(async () => {
    h.stops = [];
    const looped = fakeTrainerWorkspace();
    await cli('loop', '--runs', '6', '--parallel', '3', '--workspace', looped);
    const all = join(looped, 'all.jsonl');
    await cli('export', '--out', all, '--workspace', looped);
    const lines = readFileSync(all, 'utf8').split('\n').filter(Boolean);
    h.cut = cutWhereSlotsDiffer(lines.map((l) => JSON.parse(l) as Row));
    const cut = join(looped, 'cut.jsonl');
    writeFileSync(cut, `${lines.slice(0, h.cut.seq).join('\n')}\n`);
    const ws = fakeTrainerWorkspace();
    await cli('import', cut, '--workspace', ws);
    const browser = await launchChromium();
    h.stops.push(() => browser.close());
    h.server = await startInspect(['--workspace', ws, '--port', '0']);
    h.stops.push(() => h.server.stop());
    h.w = await watchedPage(browser);
  });
  afterAll(async () => {
    for (const stop of h.stops.reverse()) await stop().catch(() => {});
  });

  it('marks each slot’s state on the chart and lists the 3 slots with their runs', async () => {
    await openStatechart(h.w.page, h.server.url);
    const marked = await h.w.page.$$eval('[data-testid=statechart] .state.in-flight', (gs) => gs.map((g) => [g.getAttribute('data-state'), g.getAttribute('data-slots')]));
    const expected = new Map<string, number[]>();
    h.cut.states.forEach((s, i) => expected.set(s, [...(expected.get(s) ?? []), i]));
    expect(Object.fromEntries(marked)).toEqual(Object.fromEntries([...expected].map(([s, slots]) => [s, slots.join(' ')])));
    const listed = await h.w.page.$$eval('[data-testid=statechart-slots] tbody tr', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-slot'), tr.getAttribute('data-state'), tr.getAttribute('data-run')]),
    );
    expect(listed).toEqual(h.cut.states.map((s, i) => [String(i), s, h.cut.runs[i]]));
    expect(await h.w.page.textContent('[data-testid=statechart-slots] caption')).toBe(`runs in flight (${h.cut.runs.filter(Boolean).length} of 3 slots busy)`);
    expect(await h.w.page.textContent('[data-testid=statechart-status]')).toMatch(/^state running · 3 slots · \d+ moves the chart does not draw · \d+ transitions taken$/);
    await screenshot(h.w.page, 'inspector-statechart-slots');
    expect(h.w.outside).toEqual([]);
  });
});
