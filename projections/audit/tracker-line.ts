/** The audit's `tracker:` summary line: written by the audit's renderer, read back by the inspector's run page to link it. Pure. */
import { trackerOfUrl, type TrackerLink } from '../../domain/trainer-io/tracker-url.js';

/** How the line starts in the audit's summary. */
export const TRACKER_LINE = '  tracker:    ';

/** The line for the tracker run `url`. */
export function trackerLine(url: string): string {
  return `${TRACKER_LINE}${url}`;
}

/** The tracker run an audit's text names in its summary, checked again as a tracker's address (null: none). */
export function trackerOfAuditText(text: string): TrackerLink | null {
  for (const line of text.split('\n')) {
    if (!line.startsWith(TRACKER_LINE)) continue;
    const url = line.slice(TRACKER_LINE.length);
    const tracker = trackerOfUrl(url);
    return tracker ? { tracker, url } : null;
  }
  return null;
}
