/**
 * The Statechart tab in a real browser (Debian Chromium) against a real `autopilot inspect` child:
 * on the imported loop-3 history it marks the state `autopilot status --json` reports and the last
 * `StateEntered`'s edge, counts each edge as the log does, names the invoked actors. No request may
 * leave 127.0.0.1. Beside a real loop it moves while the loop runs: live.browser.test.ts, on its loop.
 */
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { loopStatechart } from '../../../projections/inspector/statechart.js';
import { screenshot, useBrowserOnHistory } from '../../support/browser.js';
import { eventsOfType } from '../../support/hostile.js';
import { drawnEdges, openStatechart } from '../../support/statechart-page.js';
import { CLI } from '../../support/workspace.js';

const h = useBrowserOnHistory('loop-3');

describe('the statechart of a finished history (Chromium, a real server)', () => {
  it('marks the state `autopilot status --json` reports, and the last StateEntered’s edge', async () => {
    const status = JSON.parse((await execa('node', [CLI, 'status', '--json', '--workspace', h.ws])).stdout);
    const state: string = status.sessions.at(-1).state;
    expect(state).toBe('done');
    const entered = eventsOfType(h.ws, 'StateEntered');
    const last = entered.at(-1)!.data;
    await openStatechart(h.w.page, h.server.url);
    expect(await h.w.page.$$eval('[data-testid=statechart] .state.current', (gs) => gs.map((g) => g.getAttribute('data-state')))).toEqual([state]);
    const lastEdges = await h.w.page.$$eval('[data-testid=statechart] .edge.last', (gs) => gs.map((g) => [g.getAttribute('data-source'), g.getAttribute('data-target')]));
    expect(lastEdges).toEqual([[last.from, last.to]]);
    expect(await h.w.page.textContent('[data-testid=statechart-status]')).toContain(`state ${state}`);
    await screenshot(h.w.page, 'inspector-statechart');
  });

  it('counts on the edges what the log’s StateEntered events took, and labels each with its event', async () => {
    const moves = new Map<string, number>();
    for (const e of eventsOfType(h.ws, 'StateEntered')) if (e.data.from !== null) moves.set(`${e.data.from}→${e.data.to}`, (moves.get(`${e.data.from}→${e.data.to}`) ?? 0) + 1);
    expect(moves.size).toBeGreaterThan(5);
    const drawn = new Map<string, number>();
    for (const e of await drawnEdges(h.w.page)) if (e.count > 0) drawn.set(`${e.from}→${e.to}`, (drawn.get(`${e.from}→${e.to}`) ?? 0) + e.count);
    expect(Object.fromEntries(drawn)).toEqual(Object.fromEntries(moves));
    // The count is written on the edge: "ProposalAccepted ×3" (loop-3 accepted three proposals, the baseline's included).
    const accepted = eventsOfType(h.ws, 'StateEntered').filter((e) => e.data.event === 'ProposalAccepted').length;
    expect(await h.w.page.textContent('[data-testid=statechart] .edge[data-source=validate][data-target=train] .edge-label')).toBe(`ProposalAccepted ×${accepted}`);
  });

  it('draws every state of the machine with the actors it invokes, and lets the session be chosen', async () => {
    const graph = loopStatechart();
    const drawn = await h.w.page.$$eval('[data-testid=statechart] .state', (gs) =>
      gs.map((g) => ({ key: g.getAttribute('data-state'), invokes: [...g.querySelectorAll('.invoke')].map((t) => t.textContent) })),
    );
    expect(drawn).toEqual(graph.nodes.map((n) => ({ key: n.key, invokes: n.invokes.map((s) => `invoke ${s}`) })));
    expect(drawn.flatMap((d) => d.invokes)).toEqual(expect.arrayContaining(['invoke propose', 'invoke train', 'invoke evaluate']));
    await Promise.all([h.w.page.waitForResponse((r) => r.url().includes('api/statechart?session=0001')), h.w.page.selectOption('[data-testid=statechart-session]', '0001')]);
    await h.w.page.waitForSelector('[data-testid=statechart] .state.current[data-state=done]');
    // Fit and 1:1: the drawing is as large as its layout, in a box that scrolls.
    await h.w.page.click('[data-testid=statechart-fit]');
    const size = await h.w.page.$eval('[data-testid=statechart-canvas]', (s) => ({ scroll: s.scrollWidth, box: s.clientWidth }));
    expect(size.scroll).toBeGreaterThan(size.box);
  });

  it('sent no request anywhere but 127.0.0.1', () => {
    expect(h.w.outside).toEqual([]);
  });
});
