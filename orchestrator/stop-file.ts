/**
 * The kill switch's file protocol. A running loop polls `<workspace>/STOP`, reads it, deletes it
 * and stops: at once when the first line is `now`, else after the current run. Any further lines
 * say who asked (`autopilot stop` writes its pid), which goes into StopRequested's reason.
 */

/** What a STOP file asks for. */
export interface StopFileRequest {
  now: boolean;
  /** The StopRequested reason: `STOP file`, `STOP file (now)`, `STOP file (now): autopilot stop --now (pid 12)`. */
  reason: string;
}

/** Parses a STOP file's text. Pure. */
export function parseStopFile(text: string): StopFileRequest {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const first = lines[0] ?? '';
  const detail = lines.slice(1).join(' ');
  return { now: first.toLowerCase() === 'now', reason: `STOP file${first ? ` (${first})` : ''}${detail ? `: ${detail}` : ''}` };
}

/** The text `autopilot stop` writes. Pure. */
export function formatStopFile(now: boolean, by: string): string {
  return `${now ? 'now' : 'after'}\n${by}\n`;
}

/** The request of a STOP that could not be read (a symlink, a FIFO, an oversize file): its presence asks to stop after the current run. Pure. */
export function unreadableStopFile(what: string): StopFileRequest {
  return { now: false, reason: `STOP file (${what}; removed, not read)` };
}
