/**
 * Helpers for the tests of loops with several runs in flight: each run's training interval and
 * slot as the log tells them, how many overlapped, a trainer wrapper that records the GPU a trainer
 * saw, and the live projections compared with a rebuild.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, deleteProjectionFiles, projectionHashes, type LoggedEvent } from './chaos.js';
import { FAKE_TRAINER } from './workspace.js';

/** One launch of a run: from its RunStarted to the RunFinished or RunFailed of the same attempt (end null: none). */
export interface Launch {
  runId: string;
  attempt: number;
  slot: number | undefined;
  gpu: string | undefined;
  start: number;
  end: number | null;
}

/** Every launch the log records, in the order they started. */
export function launches(log: LoggedEvent[]): Launch[] {
  return log
    .filter((e) => e.type === 'RunStarted')
    .map((s) => {
      const end = log.find((e) => (e.type === 'RunFinished' || e.type === 'RunFailed') && e.data.runId === s.data.runId && e.data.attempt === s.data.attempt);
      const env = s.data.env as Record<string, string> | undefined;
      return {
        runId: s.data.runId!,
        attempt: s.data.attempt!,
        slot: s.data.slot as number | undefined,
        gpu: env?.CUDA_VISIBLE_DEVICES,
        start: Date.parse(s.at),
        end: end ? Date.parse(end.at) : null,
      };
    });
}

/** True when two launches' [start, end] intervals intersect (an unended launch runs on forever). */
export function overlap(a: Launch, b: Launch): boolean {
  return a.start < (b.end ?? Infinity) && b.start < (a.end ?? Infinity);
}

/** The most launches in flight at one moment (a sweep over start and end times). */
export function peakConcurrency(ls: Launch[]): number {
  const points = ls.flatMap((l) => [
    { t: l.start, d: 1 },
    { t: l.end ?? Infinity, d: -1 },
  ]);
  // At equal times an end goes first: a run that ends as another starts did not overlap it.
  points.sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let peak = 0;
  for (const p of points) peak = Math.max(peak, (now += p.d));
  return peak;
}

/** What a wrapped trainer saw: its pid (the fake trainer's, which it execs), run id and CUDA_VISIBLE_DEVICES ('unset': none). */
export interface GpuCall {
  pid: number;
  runId: string;
  gpu: string;
}

const GPU_RECORD = 'gpu-calls.jsonl';

/** Runs the fake trainer directly, through a shell that runs `prelude` first and then execs it (the same pid as the fake trainer's own record). */
function wrapFakeTrainer(ws: string, prelude: string, env: Record<string, string> = {}): void {
  const path = join(ws, 'autopilot.json');
  const settings = JSON.parse(readFileSync(path, 'utf8')) as { trainer: { command: string[]; env: Record<string, string> } };
  settings.trainer.command = ['sh', '-c', `${prelude}; exec "$0" "$@"`, process.execPath, FAKE_TRAINER];
  settings.trainer.env = { ...settings.trainer.env, ...env };
  writeFileSync(path, `${JSON.stringify(settings, null, 2)}\n`);
}

/**
 * Records each trainer's CUDA_VISIBLE_DEVICES in `gpu-calls.jsonl` before it starts (the fake
 * trainer records only the PUFFER_AUTOPILOT_* variables).
 */
export function gpuRecordingTrainer(ws: string): void {
  const record = 'printf \'{"pid":%s,"runId":"%s","gpu":"%s"}\\n\' "$$" "$PUFFER_AUTOPILOT_RUN_ID" "${CUDA_VISIBLE_DEVICES-unset}" >> "$GPU_RECORD"';
  wrapFakeTrainer(ws, record, { GPU_RECORD: join(ws, GPU_RECORD) });
}

/** The baseline (run 001, which trains alone) ends at once; every later trainer sleeps `ms` first. */
export function slowAfterBaseline(ws: string, ms: number): void {
  wrapFakeTrainer(ws, `[ "$PUFFER_AUTOPILOT_RUN_ID" = 001 ] || export FAKE_TRAINER_BEHAVIOUR=sleep:${ms}`);
}

/** The calls {@link gpuRecordingTrainer} recorded. */
export function gpuCalls(ws: string): GpuCall[] {
  try {
    return readFileSync(join(ws, GPU_RECORD), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as GpuCall);
  } catch {
    return [];
  }
}

/** `autopilot rebuild --json` on the live workspace: what it had to rewrite and remove (both 0 when the projections equal a rebuild). */
export async function rebuildDrift(ws: string): Promise<{ written: number; removed: number; exitCode: number | undefined; stderr: string }> {
  const r = await cli(['rebuild', '--workspace', ws, '--json']);
  const out = r.exitCode === 0 ? (JSON.parse(r.stdout) as { written: number; removed: number }) : { written: -1, removed: -1 };
  return { written: out.written, removed: out.removed, exitCode: r.exitCode, stderr: r.stderr };
}

/** The projection files' hashes after they are all deleted and rebuilt by `autopilot rebuild` (throws when it fails). */
export async function rebuiltHashes(ws: string): Promise<Map<string, string>> {
  deleteProjectionFiles(ws);
  const r = await cli(['rebuild', '--workspace', ws]);
  if (r.exitCode !== 0) throw new Error(`autopilot rebuild exited ${r.exitCode}: ${r.stderr}`);
  return projectionHashes(ws);
}
