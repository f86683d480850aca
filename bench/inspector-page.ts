/**
 * bench:inspector's measurements of a running inspector: `autopilot inspect` as a child (spawn →
 * URL printed, its memory from /proc), and a page in Debian's Chromium driven by playwright-core
 * (`page.goto` → the `ap:first-paint` mark, a hash change → the `ap:at-rendered` mark of that seq).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../adapters/workspace.js';

/** Where Debian installs Chromium (`apt-get install chromium`). */
export const CHROMIUM = '/usr/bin/chromium';

/** A running `autopilot inspect` child. */
export interface InspectServer {
  url: string;
  pid: number;
  /** From the spawn to the URL's line on its stdout (ms). */
  startMs: number;
  stop(): Promise<void>;
}

/** Starts `node bin/autopilot.js inspect --port 0 --workspace WORKSPACE`; resolves once it printed its URL. */
export function startInspectServer(workspace: string): Promise<InspectServer> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'autopilot.js'), 'inspect', '--port', '0', '--workspace', workspace], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      const startMs = performance.now() - t0;
      const m = /^inspector: (http:\/\/\S+)$/.exec(out.slice(0, nl));
      if (!m) return reject(new Error(`autopilot inspect printed ${JSON.stringify(out.slice(0, nl))}, not its URL`));
      resolve({
        url: m[1]!,
        pid: child.pid!,
        startMs,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
    child.once('exit', (code) => reject(new Error(`autopilot inspect exited ${code} before printing its URL: ${err}`)));
  });
}

/** Resident and peak resident memory of process `pid` (kB), from /proc/PID/status. */
export interface Memory {
  rssKb: number;
  hwmKb: number;
}

/** {@link Memory} of `pid` now. */
export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
}

/** Headless Chromium; throws when Debian's is not installed. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
}

/** Waits for the performance mark `name` (whose detail.seq is `seq`, if given) made after `since`; its startTime (ms from the navigation start). */
async function markTime(page: Page, name: string, since: number, seq: number | null, timeoutMs: number): Promise<number> {
  const handle = await page.waitForFunction(
    ({ name, since, seq }) => {
      const mark = (performance.getEntriesByName(name, 'mark') as PerformanceMark[]).find(
        (m) => m.startTime >= since && (seq === null || (m.detail as { seq?: unknown } | null)?.seq === seq),
      );
      return mark ? mark.startTime : false;
    },
    { name, since, seq },
    { timeout: timeoutMs, polling: 10 },
  );
  return (await handle.jsonValue()) as number;
}

/** A first paint: its time from the navigation start, and how long each API request the page made by then took (path → ms). */
export interface Paint {
  ms: number;
  api: Record<string, number>;
}

/** Loads `url` (or reloads the page when it is there) and waits for the `ap:first-paint` mark. */
export async function firstPaint(page: Page, url: string | null): Promise<Paint> {
  if (url === null) await page.reload({ waitUntil: 'commit' });
  else await page.goto(url, { waitUntil: 'commit' });
  const ms = await markTime(page, 'ap:first-paint', 0, null, 60_000);
  // Resource timing of the finished API requests (an event stream never finishes, so it is not there).
  const api = await page.evaluate(() =>
    Object.fromEntries(
      (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .filter((e) => new URL(e.name).pathname.startsWith('/api/') && e.responseEnd > 0)
        .map((e) => [new URL(e.name).pathname, Math.round(e.responseEnd - e.startTime)]),
    ),
  );
  return { ms, api };
}

/** How a jump ended: its time, or why there is none. */
export type JumpOutcome = { ms: number } | { missing: string };

/** What the page shows when this build has no time-travel view (the router's fallback, the runs table). */
export const NO_TIME_TRAVEL = 'no time-travel view in this build';

/**
 * Sets the hash to `#/at/SEQ` and times it to the `ap:at-rendered` mark of SEQ. A page whose router
 * does not know the route falls back to the runs view: then the outcome says so.
 */
export async function jump(page: Page, seq: number): Promise<JumpOutcome> {
  const since = await page.evaluate((seq) => {
    const t0 = performance.now();
    location.hash = `#/at/${seq}`;
    return t0;
  }, seq);
  // The view's root (data-testid=time-travel) or any view but the runs table shows the route is known.
  const known = await page
    .waitForFunction(() => document.querySelector('[data-testid=time-travel]') !== null || (document.getElementById('view')?.dataset['view'] ?? 'runs') !== 'runs', undefined, {
      timeout: 3_000,
    })
    .then(
      () => true,
      () => false,
    );
  if (!known) return { missing: NO_TIME_TRAVEL };
  try {
    return { ms: (await markTime(page, 'ap:at-rendered', since, seq, 60_000)) - since };
  } catch {
    return { missing: `no ap:at-rendered mark for seq ${seq} within 60 s` };
  }
}

/** Times `GET /api/at/SEQ` of the server at `url` (server side only: no page), checking it answers 200. */
export async function serverAt(url: string, seq: number): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(new URL(`/api/at/${seq}`, url));
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`GET /api/at/${seq} answered ${res.status}`);
  return performance.now() - t0;
}
