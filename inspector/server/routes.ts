/** The inspector's JSON routes: the log's meta data, pages of its events, and the journal's text. */
import type { Hono } from 'hono';
import { readConfined } from '../../adapters/fs/confined.js';
import type { WorkspacePaths } from '../../adapters/workspace.js';
import { eventJson } from '../../orchestrator/output.js';
import type { LogSource } from './log-source.js';
import { SessionIndex } from './sessions.js';

/** Events a page holds when `limit` is not given, and at most. */
export const EVENTS_PAGE = { default: 500, max: 5_000 } as const;
/** Largest journal file the labbook route reads. */
export const LABBOOK_MAX_BYTES = 4 * 1024 * 1024;
/** The journal files `/api/labbook` returns, by the key they are returned under. */
export const JOURNAL_FILES = { labbook: 'journal/labbook.md', notes: 'journal/notes.md' } as const;

/** A positive integer query parameter, or `fallback` when absent or not one. */
export function seqParam(value: string | undefined, fallback: number): number {
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : fallback;
}

const json = (text: string) => new Response(text, { headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' } });

/** A journal file's text, or null with the reason it was not read (missing, a link or FIFO planted there, too large). */
export function readJournalFile(paths: WorkspacePaths, rel: string): { text: string | null; problem?: string } {
  const read = readConfined(paths.root, rel, LABBOOK_MAX_BYTES);
  if (read.kind === 'file') return { text: read.bytes.toString('utf8') };
  if (read.kind === 'missing') return { text: null };
  if (read.kind === 'too-large') return { text: null, problem: `${rel} is ${read.size} bytes, more than the ${read.max} the inspector reads` };
  return { text: null, problem: `${rel} is a ${read.entry.kind}${read.entry.target !== undefined ? ` to ${read.entry.target}` : ''}, not a regular file: not read` };
}

/** Adds `/api/meta`, `/api/events` and `/api/labbook` to `app`. */
export function addApiRoutes(app: Hono, paths: WorkspacePaths, source: LogSource): void {
  const sessions = new SessionIndex();

  app.get('/api/meta', (c) => {
    const store = source.current();
    const problem = source.problem();
    if (!store) return c.json({ workspace: paths.root, empty: true, lastSeq: 0, sessions: [], ...(problem ? { problem } : {}) });
    const lastSeq = store.lastSeq();
    return c.json({ workspace: paths.root, empty: false, lastSeq, sessions: sessions.list(store, lastSeq) });
  });

  // Rows exactly as `autopilot events --json` prints them, `next` being where the following page starts.
  app.get('/api/events', (c) => {
    const from = Math.max(1, seqParam(c.req.query('from'), 1));
    const limit = Math.min(EVENTS_PAGE.max, Math.max(1, seqParam(c.req.query('limit'), EVENTS_PAGE.default)));
    const store = source.current();
    const lastSeq = store?.lastSeq() ?? 0;
    const rows: string[] = [];
    let next: number | null = null;
    if (store && from <= lastSeq) {
      const to = Math.min(lastSeq, from + limit - 1);
      for (const stored of store.readAll({ fromSeq: from, toSeq: to })) rows.push(eventJson(stored));
      if (to < lastSeq) next = to + 1;
    }
    return json(`{"lastSeq":${lastSeq},"next":${next === null ? 'null' : next},"events":[${rows.join(',')}]}`);
  });

  app.get('/api/labbook', (c) => {
    const labbook = readJournalFile(paths, JOURNAL_FILES.labbook);
    const notes = readJournalFile(paths, JOURNAL_FILES.notes);
    const problems = [labbook.problem, notes.problem].filter((p): p is string => p !== undefined);
    return c.json({ labbook: labbook.text, notes: notes.text, problems });
  });
}
