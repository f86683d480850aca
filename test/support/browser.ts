/**
 * Browser tests' support: Debian's Chromium driven by playwright-core (which never downloads a
 * browser; test/support/chromium.ts), pages whose every request is watched and, unless it goes to an allowed loopback host,
 * aborted and recorded; and `autopilot inspect` started as a child process.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { connectChromium, launchChromium as launchOwnChromium } from './chromium.js';
import { historyWorkspace, type HistoryName } from './histories.js';
import { CLI, ROOT } from './workspace.js';

/** Where the browser tests leave their screenshots (gitignored). */
export const ARTIFACTS = join(ROOT, 'test', 'artifacts');

/**
 * Headless Chromium for this file: a connection to the browser tier's shared server where there is one
 * (test/support/chromium-server.ts), else one launched for this file; throws (the test fails, never
 * skips) when Chromium is not installed. Closing it closes what this file opened.
 */
export async function launchChromium(): Promise<Browser> {
  const endpoint = inject('chromiumEndpoint');
  return endpoint === undefined ? launchOwnChromium() : connectChromium(endpoint);
}

/** A page whose requests to anywhere but `hosts` are aborted, and listed in `outside`. */
export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Every request that was not to an allowed host (data: and blob: URLs aside). */
  outside: string[];
}

/**
 * A fresh context and page that let requests reach only `hosts` (default 127.0.0.1); with
 * `files: true`, file: URLs too (an exported page: pass `[]` as `hosts` to allow nothing else).
 */
export async function watchedPage(browser: Browser, hosts: readonly string[] = ['127.0.0.1'], { files = false }: { files?: boolean } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const outside: string[] = [];
  const allowed = (url: string) => {
    const u = new URL(url);
    return u.protocol === 'data:' || u.protocol === 'blob:' || (files && u.protocol === 'file:') || (u.protocol === 'http:' && hosts.includes(u.hostname));
  };
  // Seen at the context, so popups and workers count too; aborted, so nothing ever leaves.
  context.on('request', (r) => {
    if (!allowed(r.url())) outside.push(r.url());
  });
  await context.route(
    (url) => !allowed(url.href),
    (route) => route.abort(),
  );
  const page = await context.newPage();
  page.on('websocket', (ws) => outside.push(ws.url()));
  return { context, page, outside };
}

/** Saves a full-page screenshot of `page` as test/artifacts/`name`.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

type Child = ResultPromise<{ reject: false; buffer: true }>;

/** A running `autopilot inspect` child. */
export interface InspectChild {
  url: URL;
  stop(): Promise<void>;
}

/** Starts `autopilot inspect ARGS` and resolves with the URL it prints on its first line. */
export async function startInspect(args: string[]): Promise<InspectChild> {
  const child = execa(process.execPath, [CLI, 'inspect', ...args], { reject: false, buffer: true }) as Child;
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    void child.then((r) => reject(new Error(`autopilot inspect exited ${r.exitCode} before printing its URL: ${err}`)));
  });
  const m = /^inspector: (http:\/\/\S+)$/.exec(line);
  if (!m) throw new Error(`autopilot inspect printed ${JSON.stringify(line)}, not its URL`);
  return {
    url: new URL(m[1]!),
    stop: async () => {
      child.kill('SIGTERM');
      await child;
    },
  };
}

/** A browser test file's setting: a workspace holding a history, Chromium, an inspector on the workspace and a watched page. */
export interface BrowserOnHistory {
  ws: string;
  browser: Browser;
  server: InspectChild;
  w: WatchedPage;
  /** Closed after the file's tests, last first (a test adds what it starts). */
  stops: (() => Promise<unknown>)[];
}

/** The setting of {@link BrowserOnHistory} on history `name`, made before the file's tests and closed after them (fields set once they start). */
export function useBrowserOnHistory(name: HistoryName): BrowserOnHistory {
  const h = { stops: [] } as unknown as BrowserOnHistory;
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
