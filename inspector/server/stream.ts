/**
 * `GET /api/stream`: the log as server-sent events, `event: log`, `id: <seq>`, the data as
 * `autopilot events --json` prints it. It resumes after the larger of `Last-Event-ID` (what
 * EventSource resends when it reconnects) and `?after=`, so a reconnect loses and repeats nothing;
 * then it polls the log with short read-only statements (no read transaction held across a wait).
 * A running loop's live machine records follow as `event: machine`, `id: <last seq>:<k>` (a reconnect
 * resumes the log after that seq; machine records are live only and are not sent again).
 */
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { eventJson } from '../../orchestrator/output.js';
import type { LiveTail } from './live.js';
import type { LogSource } from './log-source.js';
import { seqParam } from './routes.js';

/** How often the log is polled, and how often a comment keeps an idle connection open. */
export interface StreamTiming {
  pollMs: number;
  heartbeatMs: number;
}

/** The timing the server uses. */
export const STREAM_TIMING: StreamTiming = { pollMs: 200, heartbeatMs: 15_000 };

/** Events read in one statement and sent before the log is looked at again. */
const BATCH = 500;

/** The seq a stream resumes after: the larger of the `Last-Event-ID` header (`seq` or `seq:k`) and `?after=`. */
export function resumeAfter(lastEventId: string | undefined, after: string | undefined): number {
  const fromHeader = seqParam(lastEventId?.split(':')[0], 0);
  return Math.max(fromHeader, seqParam(after, 0));
}

/** Adds `/api/stream` to `app`; `live` opens a connection's tail of the loop's live machine stream. */
export function addStreamRoute(app: Hono, source: LogSource, timing: StreamTiming = STREAM_TIMING, live?: () => LiveTail): void {
  app.get('/api/stream', (c) => {
    let last = resumeAfter(c.req.header('last-event-id'), c.req.query('after'));
    c.header('Cache-Control', 'no-store');
    return streamSSE(c, async (s) => {
      let open = true;
      s.onAbort(() => {
        open = false;
      });
      let quietSince = Date.now();
      const tail = live?.();
      let k = 0;
      while (open && !s.aborted && !s.closed) {
        const store = source.current();
        const head = store?.lastSeq() ?? 0;
        // A log that shrank is another log (reset, re-import): it is sent from past the client's last seq, so no seq comes twice.
        if (store && head > last) {
          // Read synchronously, then send: no statement is open while a write waits on the client.
          const batch = [...store.readAll({ fromSeq: last + 1, toSeq: Math.min(head, last + BATCH) })];
          for (const stored of batch) {
            if (!open) return;
            await s.writeSSE({ event: 'log', id: String(stored.seq), data: eventJson(stored) });
            last = stored.seq;
          }
          quietSince = Date.now();
          continue;
        }
        for (const data of tail?.next() ?? []) {
          if (!open) return;
          await s.writeSSE({ event: 'machine', id: `${last}:${++k}`, data });
          quietSince = Date.now();
        }
        if (Date.now() - quietSince >= timing.heartbeatMs) {
          await s.write(': heartbeat\n\n');
          quietSince = Date.now();
        }
        await s.sleep(timing.pollMs);
      }
    });
  });
}
