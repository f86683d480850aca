/**
 * The browser tests' handle on the inspector's Statechart tab: open it, read its drawn edges, and
 * record in the page every move of its mark (the state and what moved it: a live record or the log).
 */
import type { Page } from 'playwright-core';

/** Opens the Statechart tab and waits for its drawing, failing at once with the page's error if it shows one. */
export async function openStatechart(page: Page, url: URL): Promise<void> {
  await page.goto(new URL('#/statechart', url).href);
  await page.waitForSelector('[data-testid=statechart] svg .state, [data-testid=error]');
  const error = await page.$('[data-testid=error]');
  if (error) throw new Error(`the page shows an error instead of the statechart: ${await error.textContent()}`);
}

/** Each drawn edge's source, target and count. */
export const drawnEdges = (page: Page) =>
  page.$$eval('[data-testid=statechart] .edge', (gs) =>
    gs.map((g) => ({ from: g.getAttribute('data-source')!, to: g.getAttribute('data-target')!, count: Number(g.getAttribute('data-count')) })),
  );

/** Starts recording, in the page, each move of the mark as [state, moved by]; read them with {@link markMoves}. */
export async function recordMarkMoves(page: Page): Promise<void> {
  await page.evaluate(() => {
    const root = document.querySelector('[data-testid=statechart]') as HTMLElement;
    const seen: string[][] = [];
    (window as unknown as { seen: string[][] }).seen = seen;
    new MutationObserver(() => {
      const at = [root.dataset['current'] ?? '', root.dataset['moved'] ?? ''];
      if (seen.at(-1)?.join() !== at.join()) seen.push(at);
    }).observe(root, { attributes: true, attributeFilter: ['data-current', 'data-moved'] });
  });
}

/** The moves {@link recordMarkMoves} has seen so far. */
export const markMoves = (page: Page) => page.evaluate(() => (window as unknown as { seen: string[][] }).seen);
