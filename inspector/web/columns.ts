/** The runs table's columns: a header, a cell's text, and the value it sorts by, for every RunRow field. Pure. */
import type { RunRow } from '../api.js';
import { fmtDuration, fmtInterval, fmtNum, fmtTime } from './format.js';

/** One column of the runs table. */
export interface Column {
  key: string;
  label: string;
  /** The cell's text. */
  text(row: RunRow): string;
  /** What the column sorts by (nulls sort last either way). */
  sort(row: RunRow): number | string | null;
  /** Shown unless the reader hides it. */
  shown: boolean;
  /** Width in px. */
  width: number;
}

const changed = (r: RunRow) => r.changed.map((c) => `${c.key}: ${String(c.from)} → ${String(c.to)}`).join(', ');
const live = (r: RunRow) =>
  r.live
    ? `${r.live.step === null ? '' : `step ${r.live.step} `}${Object.entries(r.live.metrics)
        .map(([k, v]) => `${k}=${fmtNum(v)}`)
        .join(' ')}`
    : '';

/** Every column, in display order. */
export const COLUMNS: readonly Column[] = [
  { key: 'id', label: 'run', text: (r) => r.id, sort: (r) => r.id, shown: true, width: 70 },
  { key: 'session', label: 'session', text: (r) => r.session, sort: (r) => r.session, shown: false, width: 70 },
  { key: 'index', label: '#', text: (r) => String(r.index), sort: (r) => r.index, shown: false, width: 50 },
  { key: 'kind', label: 'kind', text: (r) => r.kind, sort: (r) => r.kind, shown: true, width: 80 },
  { key: 'parent', label: 'parent', text: (r) => r.parent ?? '', sort: (r) => r.parent, shown: false, width: 70 },
  { key: 'status', label: 'status', text: (r) => r.status, sort: (r) => r.status, shown: true, width: 90 },
  { key: 'verdict', label: 'verdict', text: (r) => r.verdict ?? '', sort: (r) => r.verdict, shown: true, width: 100 },
  { key: 'mean', label: 'mean', text: (r) => fmtNum(r.metric?.mean), sort: (r) => r.metric?.mean ?? null, shown: true, width: 80 },
  { key: 'n', label: 'n', text: (r) => (r.metric ? String(r.metric.n) : ''), sort: (r) => r.metric?.n ?? null, shown: false, width: 40 },
  { key: 'interval', label: '95% interval', text: (r) => fmtInterval(r.metric?.interval), sort: (r) => r.metric?.interval?.[0] ?? null, shown: true, width: 130 },
  { key: 'delta', label: 'Δ', text: (r) => fmtNum(r.delta?.value), sort: (r) => r.delta?.value ?? null, shown: true, width: 70 },
  { key: 'deltaInterval', label: 'Δ interval', text: (r) => fmtInterval(r.delta?.interval), sort: (r) => r.delta?.interval?.[0] ?? null, shown: true, width: 130 },
  { key: 'incumbent', label: 'vs', text: (r) => r.delta?.incumbent ?? '', sort: (r) => r.delta?.incumbent ?? null, shown: false, width: 60 },
  { key: 'method', label: 'method', text: (r) => r.delta?.method ?? '', sort: (r) => r.delta?.method ?? null, shown: false, width: 90 },
  { key: 'proposer', label: 'proposer', text: (r) => r.proposer ?? '', sort: (r) => r.proposer, shown: true, width: 90 },
  { key: 'changed', label: 'changed', text: changed, sort: (r) => changed(r) || null, shown: true, width: 260 },
  { key: 'live', label: 'live', text: live, sort: (r) => r.live?.step ?? null, shown: false, width: 160 },
  { key: 'duration', label: 'duration', text: (r) => fmtDuration(r.durationMs), sort: (r) => r.durationMs, shown: true, width: 80 },
  { key: 'seed', label: 'seed', text: (r) => (r.seed === null ? '' : String(r.seed)), sort: (r) => r.seed, shown: false, width: 90 },
  { key: 'attempts', label: 'attempts', text: (r) => String(r.attempts), sort: (r) => r.attempts, shown: false, width: 70 },
  { key: 'startedAt', label: 'started', text: (r) => fmtTime(r.startedAt), sort: (r) => r.startedAt, shown: false, width: 150 },
  { key: 'plannedAt', label: 'planned', text: (r) => fmtTime(r.plannedAt), sort: (r) => r.plannedAt, shown: false, width: 150 },
];
