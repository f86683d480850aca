/**
 * The data of a static export: the answers the page's GETs would get, obtained by asking the
 * inspector's own app in-process (`app.request`), so they are the server's by construction. Paths
 * are kept as the page asks for them (no leading slash). A size cap bounds the whole; what does not
 * fit, or is not sampled, is named in `omitted`.
 */
import type { Hono } from 'hono';
import type { EmbeddedAnswer, MetaResponse, RunsResponse } from './api.js';
import { timeTravelSample, type SampleLimits } from './export-sample.js';

/** The largest data an export embeds (bytes of the answers' JSON). */
export const EXPORT_MAX_BYTES = 64 * 1024 * 1024;
/** Up to this many events, time travel is embedded at every seq; beyond, at a sample. */
export const EXPORT_EVERY_SEQ_MAX = 500;
/** The last seqs always in the sample. */
export const EXPORT_LAST_SEQS = 200;
/** Seqs in the sample at most. */
export const EXPORT_MAX_SEQS = 500;
/** Time the export spends on time travel at most (each seq is a replay of the log up to it). */
export const EXPORT_TIME_TRAVEL_MS = 60_000;
/** Events in the tail's page (the log's last ones). */
export const EXPORT_TAIL_EVENTS = 200;
/** Events that start or end a run or a session: the sample's boundaries. */
const BOUNDARIES = new Set(['LoopStarted', 'RunPlanned', 'JournalWritten', 'LoopHalted', 'LoopCompleted']);

/** What {@link collectAnswers} gathered. */
export interface CollectedAnswers {
  answers: Record<string, EmbeddedAnswer>;
  /** Sentences naming what was left out. */
  omitted: string[];
  /** The path of the tail's events page (null: an empty log). */
  tail: string | null;
  /** The answers' size as counted against the cap. */
  bytes: number;
}

class Collector {
  readonly answers: Record<string, EmbeddedAnswer> = {};
  readonly omitted: string[] = [];
  bytes = 0;
  private readonly over: string[] = [];
  constructor(
    private readonly app: Hono,
    private readonly cap: number,
  ) {}

  // The server's answer, or null when it answers 404 (a route this build lacks, or nothing there).
  async ask(path: string): Promise<{ answer: EmbeddedAnswer; size: number } | null> {
    const res = await this.app.request(`/${path}`);
    if (res.status === 404) return null;
    const text = await res.text();
    const type = res.headers.get('content-type') ?? 'text/plain';
    const answer: EmbeddedAnswer = type.includes('json') ? { status: res.status, json: JSON.parse(text) as unknown } : { status: res.status, type, text };
    return { answer, size: Buffer.byteLength(text) + path.length + 32 };
  }

  /**
   * Asks for `path` and keeps the answer if it fits; null when it did not (it is then listed as
   * left out, and so is every path after it, unasked: the paths come most needed first).
   */
  async add(path: string): Promise<EmbeddedAnswer | null> {
    if (this.over.length > 0) {
      this.over.push(path);
      return null;
    }
    const got = await this.ask(path);
    if (got === null) return null;
    if (this.bytes + got.size > this.cap) {
      this.over.push(path);
      return null;
    }
    this.bytes += got.size;
    this.answers[path] = got.answer;
    return got.answer;
  }

  finish(): string[] {
    if (this.over.length > 0) this.omitted.push(`${this.over.length} answers from the ${this.cap} byte cap on, such as ${this.over.slice(0, 3).join(', ')}`);
    return this.omitted;
  }
}

const jsonOf = <T>(a: EmbeddedAnswer | null): T | null => (a && 'json' in a && a.status === 200 ? (a.json as T) : null);

type EventsPage = { next: number | null; events: { seq: number; type: string }[] };

// The seqs of the log's events whose type is a boundary, read page by page through the app.
async function boundarySeqs(c: Collector, lastSeq: number): Promise<number[]> {
  const seqs: number[] = [];
  for (let from: number | null = 1; from !== null && from <= lastSeq;) {
    const asked = await c.ask(`api/events?from=${from}&limit=5000`);
    const page: EventsPage | null = jsonOf<EventsPage>(asked?.answer ?? null);
    if (!page) break;
    for (const e of page.events) if (BOUNDARIES.has(e.type)) seqs.push(e.seq);
    from = page.next;
  }
  return seqs;
}

// True when the server answers `api/runs?at=N` as the runs at N (a server without that route ignores the query).
async function knowsRunsAt(c: Collector, runs: EmbeddedAnswer | null, lastSeq: number): Promise<boolean> {
  if (lastSeq < 2) return false;
  const first = await c.ask('api/runs?at=1');
  return first !== null && first.answer.status === 200 && JSON.stringify(first.answer) !== JSON.stringify(runs);
}

/** The bounds of an export (the defaults are the constants above). */
export interface ExportLimits extends SampleLimits {
  /** Bytes of embedded answers at most. */
  maxBytes: number;
  /** Time spent on time travel at most (each seq is a replay), in ms. */
  budgetMs: number;
}

/** The limits `autopilot inspect --export` applies. */
export const EXPORT_LIMITS: ExportLimits = {
  maxBytes: EXPORT_MAX_BYTES,
  everySeqMax: EXPORT_EVERY_SEQ_MAX,
  lastSeqs: EXPORT_LAST_SEQS,
  maxSeqs: EXPORT_MAX_SEQS,
  budgetMs: EXPORT_TIME_TRAVEL_MS,
};

/** Collects the answers of `app` (an inspector app) an exported page needs, within `limits`. */
export async function collectAnswers(app: Hono, limits: ExportLimits = EXPORT_LIMITS): Promise<CollectedAnswers> {
  const c = new Collector(app, limits.maxBytes);
  const meta = jsonOf<MetaResponse>(await c.add('api/meta'));
  const runs = await c.add('api/runs');
  for (const path of ['api/labbook', 'api/statechart', 'api/params']) await c.add(path);
  // The statechart of each session, as the view's session picker asks for it.
  for (const s of meta?.sessions ?? []) await c.add(`api/statechart?session=${encodeURIComponent(s.session)}`);
  const lastSeq = meta?.lastSeq ?? 0;
  const tail = lastSeq > 0 ? `api/events?from=${Math.max(1, lastSeq - EXPORT_TAIL_EVENTS + 1)}&limit=${EXPORT_TAIL_EVENTS}` : null;
  if (tail !== null) await c.add(tail);
  for (const row of jsonOf<RunsResponse>(runs)?.rows ?? []) {
    const id = encodeURIComponent(row.id);
    await c.add(`api/runs/${id}/curve`);
    await c.add(`api/runs/${id}/audit`);
  }
  const sample = timeTravelSample(lastSeq, lastSeq > limits.everySeqMax ? await boundarySeqs(c, lastSeq) : [], limits);
  if (sample.omitted !== null) c.omitted.push(sample.omitted);
  const runsAt = await knowsRunsAt(c, runs, lastSeq);
  const deadline = Date.now() + limits.budgetMs;
  for (const [i, n] of sample.seqs.entries()) {
    if (Date.now() >= deadline) {
      c.omitted.push(`time travel at ${sample.seqs.length - i} more seqs past the ${limits.budgetMs / 1000} s the export spends on it`);
      break;
    }
    await c.add(`api/at/${n}`);
    if (runsAt) await c.add(`api/runs?at=${n}`);
  }
  return { answers: c.answers, omitted: c.finish(), tail, bytes: c.bytes };
}
