/** `autopilot status`: sessions, runs and the incumbent, folded from the log through a read-only connection. */
import { existsSync, readFileSync } from 'node:fs';
import { fmt } from '../domain/numbers.js';
import { pidAlive } from '../adapters/lock.js';
import { foldView } from '../projections/view.js';
import { guarded, openReader } from './open-store.js';

/** Runs `status`; returns the exit code. */
export function statusCommand(o: { workspace: string; json?: boolean }): number {
  return guarded(() => {
    const { paths, store } = openReader(o.workspace);
    let holder: number | null = null;
    if (existsSync(paths.lock)) {
      try {
        const pid = Number((JSON.parse(readFileSync(paths.lock, 'utf8')) as { pid: unknown }).pid);
        holder = pidAlive(pid) ? pid : null;
      } catch {
        holder = null;
      }
    }
    if (!store) {
      if (o.json) process.stdout.write(`${JSON.stringify({ workspace: paths.root, events: 0, running: holder, sessions: [], runs: [], incumbent: null })}\n`);
      else process.stdout.write(`workspace ${paths.root}: no events yet\n`);
      return 0;
    }
    let view;
    try {
      view = foldView(store.readAll());
    } finally {
      store.close();
    }
    const runs = [...view.runs.values()].map((r) => ({
      run_id: r.runId,
      kind: r.kind,
      status: r.journal?.status ?? (r.launches.at(-1)?.outcome === 'running' ? 'running' : r.finished ? 'finished' : 'in progress'),
      attempts: r.launches.length,
      verdict: r.evaluation?.verdict ?? null,
      mean: r.evaluation?.candidate.mean ?? null,
      n: r.evaluation?.candidate.n ?? null,
    }));
    const sessions = [...view.sessions.values()].map((s) => ({
      session: s.session,
      status: s.status,
      state: s.state,
      runs_requested: s.runsRequested,
      started_at: s.startedAt,
      halt_reason: s.haltReason,
    }));
    const inc = view.incumbent?.ref ?? null;
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ workspace: paths.root, events: view.lastSeq, running: holder, sessions, runs, incumbent: inc && { run_id: inc.runId, metric: inc.metric, mean: inc.mean, n: inc.n } })}\n`);
      return 0;
    }
    const out = (l: string) => process.stdout.write(`${l}\n`);
    out(`workspace ${paths.root}: ${view.lastSeq} event(s)${holder ? `, loop running (pid ${holder})` : ''}`);
    for (const s of sessions)
      out(`session ${s.session}: ${s.status} (${s.state}), ${s.runs_requested} run(s) requested${s.halt_reason ? ` — ${s.halt_reason}` : ''}`);
    out('run  kind      status     attempts  verdict       mean');
    for (const r of runs)
      out(`${r.run_id}  ${r.kind.padEnd(8)}  ${r.status.padEnd(9)}  ${String(r.attempts).padEnd(8)}  ${(r.verdict ?? '-').padEnd(12)}  ${r.mean === null ? '-' : fmt(r.mean)}`);
    out(inc ? `incumbent: run ${inc.runId}, ${inc.metric} ${fmt(inc.mean)} (n=${inc.n})` : 'incumbent: none');
    return 0;
  });
}
