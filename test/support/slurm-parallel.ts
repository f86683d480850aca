/** Several Slurm jobs of one loop at once: its Slurm commands as wrappers on PATH saw them, its jobs in flight from the log and from the queue. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { CLI } from './workspace.js';
import { logOf } from './hostile.js';
import { jobsOf, tempGo } from './slurm-loop.js';

/** One call of a Slurm command the wrapper saw: which, when it started (epoch ms), its arguments. */
export interface SlurmCall {
  command: string;
  atMs: number;
  argv: string[];
}

/** A PATH folder whose `commands` (squeue, sbatch…) log each call (name, start time, arguments) and then run the real ones. */
export async function slurmSpy(commands: string[]): Promise<{ shim: string; calls: (command: string) => SlurmCall[] }> {
  const dir = await tempGo();
  const log = join(dir, 'calls');
  writeFileSync(log, '');
  for (const command of commands) {
    const real = (await execa('which', [command])).stdout.trim();
    // One line per call: the command, milliseconds, then the arguments, separated by tabs.
    writeFileSync(join(dir, command), `#!/bin/bash\n(IFS=$'\\t'; echo "${command}"$'\\t'"$(date +%s%3N)"$'\\t'"$*") >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  }
  const calls = (command: string) =>
    readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [name, at, ...argv] = l.split('\t');
        return { command: name!, atMs: Number(at), argv };
      })
      .filter((c) => c.command === command);
  return { shim: dir, calls };
}

/** `autopilot loop` on `ws` with `dir` first on its PATH (a real process, killable). */
export function loopWithPath(ws: string, args: string[], dir: string, timeout = 180_000) {
  return execa('node', [CLI, 'loop', '--workspace', ws, ...args], { reject: false, all: true, timeout, env: { PATH: `${dir}:${process.env.PATH}` } });
}

/** Each attempt's job as the log has it: from its RunStarted (or RunReattached) to its RunFinished or RunFailed (null: not ended). */
export function jobSpans(ws: string): { runId: string; attempt: number; jobId: string; fromMs: number; toMs: number | null }[] {
  const spans = new Map<string, { runId: string; attempt: number; jobId: string; fromMs: number; toMs: number | null }>();
  for (const e of logOf(ws)) {
    if (e.type === 'RunStarted' && e.data.job) {
      spans.set(`${e.data.runId}/${e.data.attempt}`, { runId: e.data.runId, attempt: e.data.attempt, jobId: e.data.job.id, fromMs: Date.parse(e.metadata.at), toMs: null });
    } else if (e.type === 'RunFinished' || e.type === 'RunFailed') {
      const s = spans.get(`${e.data.runId}/${e.data.attempt}`);
      if (s) s.toMs = Date.parse(e.metadata.at);
    }
  }
  return [...spans.values()];
}

/** The stretches of time with the same number of spans open (an unended span is open to the end), in order. */
export function openCounts(spans: { fromMs: number; toMs: number | null }[]): { fromMs: number; toMs: number; open: number }[] {
  // Ends sort before starts at the same instant: touching spans do not overlap.
  const points = spans.flatMap((s) => [
    { at: s.fromMs, d: 1 },
    { at: s.toMs ?? Infinity, d: -1 },
  ]);
  points.sort((a, b) => a.at - b.at || a.d - b.d);
  const stretches: { fromMs: number; toMs: number; open: number }[] = [];
  let open = 0;
  for (const [i, p] of points.entries()) {
    open += p.d;
    const next = points[i + 1];
    if (next && next.at > p.at) stretches.push({ fromMs: p.at, toMs: next.at, open });
  }
  return stretches;
}

/** Samples the workspace's jobs in Slurm's queue until stopped: the most seen at once pending or running, and running. */
export function sampleQueue(ws: string, everyMs = 150): { stop: () => Promise<{ active: number; running: number; samples: number }> } {
  const most = { active: 0, running: 0, samples: 0 };
  let on = true;
  const sampling = (async () => {
    while (on) {
      const jobs = await jobsOf(ws);
      most.active = Math.max(most.active, jobs.filter((j) => j.state === 'PENDING' || j.state === 'RUNNING').length);
      most.running = Math.max(most.running, jobs.filter((j) => j.state === 'RUNNING').length);
      most.samples += 1;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      on = false;
      await sampling;
      return most;
    },
  };
}
