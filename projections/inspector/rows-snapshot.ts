/**
 * The rows fold's state as a snapshot's text (the `inspector-rows-v1` snapshot, projections/snapshots.ts):
 * serialized as JSON and read back through a schema, so a body of another shape is refused rather
 * than folded on from. Pure.
 */
import { z } from 'zod';
import { RunVerdict } from '../../events/catalogue.js';
import type { RowsFold, RunFold } from './rows.js';
import { checkRows } from './rows-snapshot-check.js';

const Scalar = z.union([z.string(), z.number(), z.boolean()]).nullable();
const Interval = z.tuple([z.number(), z.number()]).nullable();

const RunFoldState = z.object({
  row: z.object({
    id: z.string(),
    session: z.string(),
    index: z.number(),
    kind: z.enum(['baseline', 'proposal', 'replicate']),
    parent: z.string().nullable(),
    proposer: z.string().nullable(),
    changed: z.array(z.object({ key: z.string(), from: Scalar, to: Scalar })),
    metric: z.object({ mean: z.number(), n: z.number(), interval: Interval }).nullable(),
    delta: z.object({ value: z.number(), interval: Interval, incumbent: z.string(), candidate: z.object({ mean: z.number(), n: z.number() }), method: z.string() }).nullable(),
    verdict: RunVerdict.nullable(),
    durationMs: z.number().nullable(),
    plannedAt: z.string(),
    rolledBack: z.object({ at: z.string(), by: z.string(), why: z.string() }).optional(),
  }),
  launches: z.array(z.object({ seed: z.number().nullable(), at: z.string() })),
  finished: z.boolean(),
  journal: z.enum(['completed', 'failed']).nullable(),
  interrupted: z.boolean(),
  progress: z.record(z.string(), z.number()).nullable(),
});

/** The snapshot's shape; {@link parseRows} checks it by hand (rows-snapshot-check.ts), a test holds the two equal. */
export const RowsState = z.object({
  lastSeq: z.number().int().nonnegative(),
  runs: z.array(RunFoldState),
  metrics: z.array(z.tuple([z.string(), z.object({ name: z.string(), direction: z.enum(['maximize', 'minimize']) })])),
});

/**
 * The rows fold's state as JSON text (runs in run order), each run's text given by `runText` (a
 * writer passes a cache of the runs' texts, since most runs do not change between two snapshots).
 */
export function serializeRows(s: RowsFold, runText: (runId: string, r: RunFold) => string = (_, r) => JSON.stringify(r)): string {
  const runs = [...s.runs].map(([runId, r]) => runText(runId, r));
  return `{"lastSeq":${JSON.stringify(s.lastSeq)},"runs":[${runs.join(',')}],"metrics":${JSON.stringify([...s.metrics])}}`;
}

/** Reads {@link serializeRows}' text back; throws when it is not a rows fold of this format ({@link RowsState}). */
export function parseRows(text: string): RowsFold {
  return checkRows(JSON.parse(text));
}
