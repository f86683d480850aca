/** Runs-table rows for the web app's unit tests. */
import type { RunRow } from '../../../inspector/api.js';

/** A row with the given fields over a planned proposal's defaults. */
export function row(id: string, over: Partial<RunRow> = {}): RunRow {
  return {
    id,
    session: '0001',
    index: Number(id),
    kind: 'proposal',
    parent: null,
    proposer: 'builtin',
    changed: [],
    metric: null,
    delta: null,
    verdict: null,
    status: 'planned',
    live: null,
    durationMs: null,
    seed: null,
    attempts: 0,
    startedAt: null,
    plannedAt: '2026-12-07T00:00:00.000Z',
    ...over,
  };
}
