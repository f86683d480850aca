/** The summary a bench trainer leaves for the loop (the PUFFER_AUTOPILOT_SUMMARY contract), written whole. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes the run's summary at `path`: written to a temp file, then renamed, so the loop never reads half a summary. */
export function writeBenchSummary(path: string, s: { runId: string | undefined; train: unknown; mean: number; samples: number[] }): void {
  const summary = {
    timestamp: new Date().toISOString(),
    run_id: s.runId,
    train: s.train,
    env: {},
    vec: {},
    metrics: { mean_reward: s.mean },
    samples: { mean_reward: s.samples },
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, JSON.stringify(summary));
  renameSync(`${path}.tmp`, path);
}
