/** The audit's `tracker:` summary line: written by the audit's renderer, read back by the inspector's run page to link it. Pure. */
import { trackerOfRecordedUrl, type TrackerLink } from '../../domain/trainer-io/tracker-url.js';

/** How the line starts in the audit's summary. */
export const TRACKER_LINE = '  tracker:    ';

/** The line for the tracker run `url`. */
export function trackerLine(url: string): string {
  return `${TRACKER_LINE}${url}`;
}

/**
 * The tracker run an audit's text names in its summary (the lines before the first blank one, which
 * only the renderer writes), checked again as the log checks a recorded address: a run's path on
 * an https origin (which self-hosted servers the settings trust was decided when it was recorded).
 * Null: none.
 */
export function trackerOfAuditText(text: string): TrackerLink | null {
  for (const line of text.split('\n')) {
    if (line === '') return null;
    if (!line.startsWith(TRACKER_LINE)) continue;
    const url = line.slice(TRACKER_LINE.length);
    const tracker = trackerOfRecordedUrl(url);
    return tracker ? { tracker, url } : null;
  }
  return null;
}
