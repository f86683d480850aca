/** `autopilot status`: sessions, runs, the incumbent and the head hash, folded from the log through a read-only connection. */
import { fmt } from '../domain/text/numbers.js';
import { headLine, headOf } from '../events/anchor.js';
import { liveHolder } from '../adapters/lock.js';
import { loadSummarySnapshot } from '../projections/snapshots.js';
import { emptySummary, foldSummary, summaryReport } from '../projections/summary.js';
import { printJson, printLine } from '../orchestrator/console.js';
import { openReader } from './open-store.js';
import type { CliIo } from './io.js';
import { EXIT } from '../domain/errors.js';

/** Runs `status`; returns the exit code. */
export function statusCommand(o: { workspace: string; json?: boolean }, io: CliIo): number {
  const { paths, store } = openReader(o.workspace);
  const holder = liveHolder(paths.lock)?.pid ?? null;
  if (!store) {
    if (o.json) printJson({ workspace: paths.root, events: 0, running: holder, sessions: [], runs: [], incumbent: null, head: null }, io.out);
    else printLine(`workspace ${paths.root}: no events yet`, io.out);
    return EXIT.ok;
  }
  let summary;
  let head;
  try {
    head = headOf(store);
    // The summary view from the latest snapshot, folded on to the end of the log.
    const from = loadSummarySnapshot(store, store.lastSeq());
    summary = summaryReport(foldSummary(store.readAll({ fromSeq: (from?.lastSeq ?? 0) + 1 }), from ?? emptySummary()));
  } finally {
    store.close();
  }
  const { sessions, runs, incumbent } = summary;
  if (o.json) {
    printJson({ workspace: paths.root, events: summary.events, running: holder, sessions, runs, incumbent, head }, io.out);
    return EXIT.ok;
  }
  const out = (line: string) => printLine(line, io.out);
  out(`workspace ${paths.root}: ${summary.events} event(s)${holder ? `, loop running (pid ${holder})` : ''}`);
  for (const s of sessions) {
    out(`session ${s.session}: ${s.status} (${s.state}), ${s.runs_requested} run(s) requested${s.halt_reason ? ` — ${s.halt_reason}` : ''}`);
    if (s.error_budget) out(`  error budget: ${s.error_budget}`);
  }
  // Columns as wide as their widest cell, so they line up whatever the run ids, kinds and statuses.
  const rows = [
    ['run', 'kind', 'status', 'attempts', 'verdict', 'mean'],
    ...runs.map((r) => [r.run_id, r.kind, r.status, String(r.attempts), r.verdict ?? '-', r.mean === null ? '-' : fmt(r.mean)]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) out(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
  out(incumbent ? `incumbent: run ${incumbent.run_id}, ${incumbent.metric} ${fmt(incumbent.mean)} (n=${incumbent.n})` : 'incumbent: none');
  if (head) out(headLine(head));
  return EXIT.ok;
}
