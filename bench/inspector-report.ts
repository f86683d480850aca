/** bench:inspector's report: what it measured (also its --json output), its verdicts and its table. */
import type { Memory } from './inspector-page.js';
import { fmtMs, median, tableLines } from './measure.js';

/** Budgets of issue 17 on this 2-core machine. */
export const FIRST_PAINT_MS = 2_000;
export const JUMP_MS = 1_000;

/** One jump point over the repeats: the page's times and, server side, `GET /api/at/N` at seqs beside them. */
export interface JumpReport {
  label: string;
  seqs: number[];
  ms: number[];
  /** Why the page gave no time (then the target fails). */
  missing: string | null;
  server: { seqs: number[]; ms: number[] };
}

/** A target and whether it was met. */
export interface Verdict {
  target: string;
  pass: boolean;
}

/** Everything measured, in ms unless named otherwise. */
export interface InspectorReport {
  runs: number;
  perSession: number;
  seed: number;
  events: number;
  sessions: number;
  dbBytes: number;
  history: { generated: boolean; appendMs: number; rebuildMs: number };
  cores: number;
  loadBefore: string;
  loadAfter: string;
  repeat: number;
  floorMs: number[];
  spawnMs: number[];
  /** coldApiMs: per repeat, each API request's time (path → ms) the cold page made before its first paint. */
  firstPaint: { coldMs: number[]; warmMs: number[]; coldApiMs: Record<string, number>[] };
  jumps: JumpReport[];
  memory: { afterLoad: Memory; afterJumps: Memory } | null;
  verdicts: Verdict[];
}

/** First paint (cold) under its budget, and each jump under its own. */
export function verdictsOf(r: Pick<InspectorReport, 'firstPaint' | 'jumps'>): Verdict[] {
  const cold = median(r.firstPaint.coldMs);
  return [
    { target: `first paint (cold) ${fmtMs(cold)} < ${fmtMs(FIRST_PAINT_MS)}`, pass: cold < FIRST_PAINT_MS },
    ...r.jumps.map((j) =>
      j.missing !== null
        ? { target: `jump to ${j.label}: ${j.missing}`, pass: false }
        : { target: `jump to ${j.label} (seq ${j.seqs[0]}) ${fmtMs(median(j.ms))} < ${fmtMs(JUMP_MS)}`, pass: median(j.ms) < JUMP_MS },
    ),
  ];
}

/** The report as text: the history, the machine, the table (each time beside the floor) and the verdicts. */
export function reportLines(r: InspectorReport): string[] {
  const floorMs = median(r.floorMs);
  const rows: string[][] = [];
  const row = (what: string, ms: number | null, detail: string, target = '') =>
    rows.push([what, ms === null ? '' : fmtMs(ms), ms === null ? '' : `${(ms / floorMs).toFixed(2)}x`, detail, target]);
  const all = (xs: number[]) => `all: ${xs.map(fmtMs).join(', ')}`;
  row('floor: SELECT * ORDER BY seq, JSON.parse(data)', floorMs, `${Math.round((r.events * 1000) / floorMs).toLocaleString('en-US')} ev/s`);
  row('inspect --port 0: spawn -> URL printed', median(r.spawnMs), all(r.spawnMs));
  const { coldMs, warmMs, coldApiMs } = r.firstPaint;
  row('first paint, cold: goto -> ap:first-paint', median(coldMs), `new server and browser context; ${all(coldMs)}`, `< ${fmtMs(FIRST_PAINT_MS)}`);
  // Where the cold first paint waits: each API request the page made by then (resource timing), medians.
  for (const path of [...new Set(coldApiMs.flatMap((a) => Object.keys(a)))].sort()) {
    const times = coldApiMs.flatMap((a) => (a[path] === undefined ? [] : [a[path]]));
    row(`  of which GET ${path}`, median(times), `request -> response end, in the page; ${all(times)}`);
  }
  row('first paint, warm: reload -> ap:first-paint', median(warmMs), all(warmMs));
  for (const j of r.jumps) {
    if (j.missing !== null) row(`jump #/at/N, ${j.label}`, null, j.missing, `< ${fmtMs(JUMP_MS)}`);
    else row(`jump #/at/N, ${j.label}`, median(j.ms), `hashchange -> ap:at-rendered; N = ${j.seqs.join(', ')}; ${all(j.ms)}`, `< ${fmtMs(JUMP_MS)}`);
  }
  for (const j of r.jumps) row(`(server) GET /api/at/N, ${j.label}`, median(j.server.ms), `no page; N = ${j.server.seqs.join(', ')}; ${all(j.server.ms)}`);
  const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
  if (r.memory)
    for (const [when, m] of [
      ['after the load', r.memory.afterLoad],
      ['after the jumps', r.memory.afterJumps],
    ] as const)
      row(`server memory ${when}`, null, `VmRSS ${mb(m.rssKb)}, VmHWM ${mb(m.hwmKb)}`);
  const h = r.history;
  return [
    `history: ${r.runs.toLocaleString('en-US')} runs in ${r.sessions} sessions, ${r.events.toLocaleString('en-US')} events, events.db ${(r.dbBytes / 1e6).toFixed(1)} MB` +
      (h.generated ? ` (generated ${fmtMs(h.appendMs)}, rebuilt ${fmtMs(h.rebuildMs)})` : ' (from the cache)'),
    `machine: ${r.cores} core(s), load average ${r.loadBefore} before, ${r.loadAfter} after; medians of ${r.repeat}; the inspector and Chromium run beside this process`,
    '',
    ...tableLines(['measurement', 'time', 'x floor', 'detail', 'target'], rows, (i) => i === 1 || i === 2),
    '',
    ...r.verdicts.map((v) => `${v.pass ? 'PASS' : 'FAIL'} ${v.target}`),
  ];
}
