/**
 * What the benchmarks share: wall/CPU timing and medians, the time format, the load average, a
 * fresh copy of the shipped workspace, the floor (one plain read of the whole log) and the table.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { PROJECT_ROOT } from '../adapters/workspace.js';

/** A copy of the shipped workspace's user files (no generated state) in a fresh temp dir `prefix*` under `base`. */
export function freshWorkspace(base: string, prefix = 'autopilot-bench-history-'): string {
  const src = join(PROJECT_ROOT, 'autopilot');
  const dir = join(mkdtempSync(join(base, prefix)), 'autopilot');
  cpSync(src, dir, {
    recursive: true,
    filter: (from) => {
      const rel = relative(src, from);
      if (rel === '') return true;
      if (/^(events\.db.*|autopilot\.lock|STOP)$/.test(basename(rel))) return false;
      const [top, ...rest] = rel.split('/');
      if (['runs', 'logs', 'journal', 'models'].includes(top!) && rest.length > 0) return rest[0] === '.gitkeep';
      if (top === 'proposals' && rest.length > 0) return rest[0] === 'next_config.json';
      return true;
    },
  });
  return dir;
}

/** Wall and CPU (user + system, this process) time of one measurement, in ms. */
export interface Time {
  wall: number;
  cpu: number;
}

/** Times one call of `f`. */
export function measure<T>(f: () => T): { time: Time; result: T } {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const result = f();
  const c = process.cpuUsage(c0);
  return { time: { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 }, result };
}

/** Runs `f` `n` times; returns every time and the last result. */
export function repeated<T>(n: number, f: () => T): { times: Time[]; result: T } {
  const times: Time[] = [];
  let result!: T;
  for (let i = 0; i < n; i++) {
    const m = measure(f);
    times.push(m.time);
    result = m.result;
  }
  return { times, result };
}

/** The median of `xs` (not empty). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The `q` quantile of `xs` (the lower one, no interpolation). */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/** The median measurement (by wall time) of several. */
export function medianTime(times: Time[]): Time {
  const s = [...times].sort((a, b) => a.wall - b.wall);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : { wall: (s[m - 1]!.wall + s[m]!.wall) / 2, cpu: (s[m - 1]!.cpu + s[m]!.cpu) / 2 };
}

/** `x` ms as `12.3 ms` or `1.23 s`. */
export function fmtMs(x: number): string {
  return x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 2)} ms`;
}

/** The load average (1, 5, 15 min), as printed beside the times. */
export const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** The floor every read is compared with: `SELECT *` of the log in order and `JSON.parse` of each event's data; returns the rows read. */
export function readLogOnce(eventsDb: string): number {
  const db = new Database(eventsDb, { readonly: true, fileMustExist: true });
  try {
    let n = 0;
    for (const row of db.prepare<[], { message_data: string }>('SELECT * FROM messages ORDER BY global_position').iterate()) {
      JSON.parse(row.message_data);
      n += 1;
    }
    return n;
  } finally {
    db.close();
  }
}

/** The lines of a Markdown-like table; the columns `right` says are right-aligned. */
export function tableLines(head: string[], rows: string[][], right: (column: number) => boolean): string[] {
  const w = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (right(i) ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join(' | ')} |`;
  return [line(head), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...rows.map(line)];
}
