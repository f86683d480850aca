/**
 * The loop's live machine stream: what its XState actor does (events received, microsteps taken,
 * actors started), mapped to plain records and appended as NDJSON to `logs/inspect-<session>.ndjson`
 * for the inspector to tail. Only public fields of the inspection events are read, and the context is
 * never kept (it is in the log, and may hold secrets). The file is a live view, not a projection: it
 * is neither rebuilt nor needed, so the sink never fails the loop — on any error it goes quiet.
 */
import { closeSync, constants as C, fstatSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { holdDirConfined, kindConfined } from './fs/confined.js';

/** Who a record is about: the loop machine itself, or one of the actors it invoked. */
interface RecordActor {
  /** True for the loop machine; false for an invoked child (its `actor` is the invocation id). */
  root: boolean;
  actor: string;
  at: string;
}

/** One line of the live stream. */
export type LiveRecord =
  | (RecordActor & { kind: 'event'; type: string; runId?: string })
  | (RecordActor & { kind: 'microstep'; value: unknown; event: string })
  | (RecordActor & { kind: 'actor'; src?: string })
  | { kind: 'capped'; at: string; bytes: number };

/** The kinds of record the stream carries. */
export const LIVE_KINDS: ReadonlySet<string> = new Set(['event', 'microstep', 'actor', 'capped']);

/** Where a session's live stream goes, relative to the workspace. */
export const liveFile = (session: string): string => join('logs', `inspect-${session}.ndjson`);

/**
 * Whether `rel` (relative to the workspace, `/`-separated) is a live stream file: the loop appends to
 * it while an agent runs, so the checks of what an agent step changed take it as the loop's own.
 */
export const isLiveFile = (rel: string): boolean => /^logs\/inspect-\d{1,12}\.ndjson$/.test(rel);

/** Where the stream stops (one last `capped` record is written past it). */
export const LIVE_MAX_BYTES = 8 * 1024 * 1024;

// The public fields of an actor reference; the inspection types name only `sessionId`.
type PublicRef = Partial<Pick<AnyActorRef, 'id' | 'src'>> & { sessionId: string };

const runIdOf = (event: object): string | undefined => {
  const data = (event as { data?: unknown }).data;
  const runId = data && typeof data === 'object' ? (data as { runId?: unknown }).runId : undefined;
  return typeof runId === 'string' ? runId : undefined;
};

/**
 * The plain record of one inspection event, or null for those the stream does not carry
 * (snapshots, transitions, actions). Reads `type`, `rootId`, `actorRef` (`sessionId`, `id`, `src`),
 * `event.type`, `event.data.runId` and `snapshot.value`: nothing else, and no context.
 */
export function mapInspection(ie: InspectionEvent, at: Date = new Date()): LiveRecord | null {
  const ref = ie.actorRef as PublicRef;
  const who: RecordActor = { root: ref.sessionId === ie.rootId, actor: ref.id ?? ref.sessionId, at: at.toISOString() };
  switch (ie.type) {
    case '@xstate.event': {
      const runId = runIdOf(ie.event);
      return { ...who, kind: 'event', type: String(ie.event.type), ...(runId !== undefined ? { runId } : {}) };
    }
    case '@xstate.microstep':
      return { ...who, kind: 'microstep', value: (ie.snapshot as { value?: unknown }).value ?? null, event: String(ie.event.type) };
    case '@xstate.actor':
      return { ...who, kind: 'actor', ...(typeof ref.src === 'string' ? { src: ref.src } : {}) };
    default:
      return null;
  }
}

/** The file a loop streams its actor to. */
export interface LiveSink {
  /** Appends the record (null: nothing); never throws. */
  write(record: LiveRecord | null): void;
  /** 'open' while it writes, 'capped' once full, 'off' when it could not open or a write failed. */
  state(): 'open' | 'capped' | 'off';
  close(): void;
}

const OFF: LiveSink = { write: () => undefined, state: () => 'off', close: () => undefined };
// Room kept for the last record, so the file never passes the cap.
const CAPPED_ROOM = 128;
const APPEND = C.O_WRONLY | C.O_APPEND | C.O_CREAT | C.O_NOFOLLOW | C.O_NONBLOCK | C.O_NOCTTY;

/**
 * Opens (or, for a resumed session, goes on with) `logs/inspect-<session>.ndjson` under `root`.
 * `logs/` must be a real directory; the file is opened through it without following a link, and must
 * be a regular file with no other name (never a FIFO, a link or a hard link planted there): otherwise
 * the sink is off. Writes are synchronous, one line each, and stop at `maxBytes`.
 */
export function openLiveSink(root: string, session: string, opts: { maxBytes?: number; now?: () => Date } = {}): LiveSink {
  const max = opts.maxBytes ?? LIVE_MAX_BYTES;
  const now = opts.now ?? (() => new Date());
  let fd: number;
  let size: number;
  try {
    // Something else where logs/ should be is left alone (never replaced): the stream is just off.
    const logs = kindConfined(root, join(root, 'logs'));
    if (logs !== null && logs !== 'directory') return OFF;
    const held = holdDirConfined(root, join(root, 'logs'));
    try {
      fd = openSync(join(held.path, `inspect-${session}.ndjson`), APPEND, 0o644);
    } finally {
      held.close();
    }
    const st = fstatSync(fd);
    if (!st.isFile() || st.nlink !== 1) {
      closeSync(fd);
      return OFF;
    }
    size = st.size;
  } catch {
    return OFF;
  }
  let state: 'open' | 'capped' | 'off' = 'open';
  const stop = (to: 'capped' | 'off') => {
    state = to;
    try {
      closeSync(fd);
    } catch {
      // closing is all that was left to do
    }
  };
  const append = (line: string) => {
    const bytes = Buffer.from(line, 'utf8');
    writeSync(fd, bytes);
    size += bytes.length;
  };
  if (size + CAPPED_ROOM > max) stop('capped');
  return {
    write(record) {
      if (state !== 'open' || record === null) return;
      try {
        const line = `${JSON.stringify(record)}\n`;
        if (size + Buffer.byteLength(line, 'utf8') + CAPPED_ROOM <= max) return append(line);
        append(`${JSON.stringify({ kind: 'capped', at: now().toISOString(), bytes: size })}\n`);
        stop('capped');
      } catch {
        stop('off');
      }
    },
    state: () => state,
    close: () => {
      if (state === 'open') stop('off');
    },
  };
}

/** The `inspect` option of `createActor`: every inspection event mapped and appended, never throwing. */
export function liveInspector(sink: LiveSink): (ie: InspectionEvent) => void {
  return (ie) => {
    try {
      sink.write(mapInspection(ie));
    } catch {
      sink.close();
    }
  };
}
