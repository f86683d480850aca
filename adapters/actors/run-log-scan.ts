/**
 * What the loop takes from a run's raw log (`logs/<id>.log`) when an attempt ends: the tracker run
 * address the attempt printed, and `runs/<id>/metrics.jsonl`, the local mirror of every JSON metric
 * line the run's attempts printed (RunProgress keeps a throttled few). The mirror is rewritten whole
 * from the log (a new file renamed into place), so a reattached attempt never duplicates a line;
 * the log is opened without following a link and only when it is a regular file. What the log
 * lost to `limits.max_output_bytes` (the middle of a huge output) is not in the mirror either.
 */
import { closeSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { trackerLinksOfLine, type TrackerLink, type TrackerOrigins } from '../../domain/trainer-io/tracker-url.js';
import { openConfined, UnsafePathError, writeConfinedFrom, type UnsafeEntry } from '../fs/confined.js';
import { createLineSplitter } from '../launcher/lines.js';
import { parseMetricLine } from '../launcher/follow.js';

/** The mirror's name in the run folder. */
export const METRICS_MIRROR = 'metrics.jsonl';

const CHUNK = 1 << 16;

/** Where an attempt's output starts in the run's log. */
export interface AttemptStart {
  attempt: number;
  logOffset: number;
}

/** Calls `onLine` for each line of the log between `from` and `to` (bytes; `to` null: its end as opened). */
function eachLine(fd: number, from: number, to: number, onLine: (line: string) => void): void {
  const splitter = createLineSplitter(onLine);
  const buf = Buffer.alloc(CHUNK);
  for (let at = from; at < to;) {
    const n = readSync(fd, buf, 0, Math.min(CHUNK, to - at), at);
    if (n <= 0) break;
    splitter.push(buf.subarray(0, n));
    at += n;
  }
  splitter.end();
}

/** What an attempt's end found in the log. */
export interface RunLogScan {
  /** The first tracker address the ending attempt printed (null: none). */
  link: TrackerLink | null;
  /** Metric lines written to the mirror. */
  lines: number;
  /** Entries that stood at the mirror's path (a link, a FIFO), replaced. */
  unsafe: UnsafeEntry[];
}

/**
 * Reads `log` (inside `root`) attempt by attempt (`starts`: every attempt of the run so far, the
 * ending one `attempt` included) and writes `runDir/metrics.jsonl`: one `{"attempt":N,"metrics":{…}}`
 * per metric line, in the order printed. No log (or not a regular file): no mirror, no link. Links
 * are taken on the trackers' own hosts and on `origins`, the self-hosted servers the settings name.
 */
export function scanRunLog(root: string, log: string, runDir: string, starts: readonly AttemptStart[], attempt: number, origins: TrackerOrigins = {}): RunLogScan {
  const opened = openConfined(root, log);
  if (!opened) return { link: null, lines: 0, unsafe: [] };
  const ordered = [...starts].sort((a, b) => a.logOffset - b.logOffset);
  let link: TrackerLink | null = null;
  let lines = 0;
  try {
    const unsafe = writeConfinedFrom(
      root,
      join(runDir, METRICS_MIRROR),
      (out) => {
        ordered.forEach((s, i) => {
          const end = Math.min(opened.size, ordered[i + 1]?.logOffset ?? opened.size);
          eachLine(opened.fd, Math.min(s.logOffset, end), end, (line) => {
            const metrics = parseMetricLine(line);
            if (metrics) {
              writeSync(out, `${JSON.stringify({ attempt: s.attempt, metrics })}\n`);
              lines++;
            } else if (s.attempt === attempt && link === null) link = trackerLinksOfLine(line, origins)[0] ?? null;
          });
        });
      },
      // A run folder swapped for a link is not put right here: the run-folder record names it as it is.
      { fsync: false, repair: false },
    );
    return { link, lines, unsafe };
  } catch (error) {
    // A run folder swapped for a link (or made a file): nothing is written through it, and the folder's own record says what it is.
    if (error instanceof UnsafePathError) return { link, lines: 0, unsafe: [] };
    throw error;
  } finally {
    closeSync(opened.fd);
  }
}
