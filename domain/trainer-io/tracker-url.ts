/**
 * The tracker run's address, read from what the trainer printed: W&B's `wandb: 🚀 View run NAME at:
 * https://wandb.ai/ENTITY/PROJECT/runs/ID` (and the header's `View run at URL`), Neptune's
 * `[neptune] [info   ] Neptune initialized. Open in the app: https://app.neptune.ai/WS/PROJECT/e/KEY-1`.
 * Only https addresses of the trackers' hosts, of plain path characters (no query, no credentials),
 * at most {@link TRACKER_URL_MAX} characters, are taken. Pure.
 */
import { stripAnsi } from './log-metrics.js';

/** A tracker. */
export type TrackerKind = 'wandb' | 'neptune';

/** A tracker run's address as the trainer printed it. */
export interface TrackerLink {
  tracker: TrackerKind;
  url: string;
}

/** The longest address taken. */
export const TRACKER_URL_MAX = 300;

const SEGMENT = '[A-Za-z0-9._~-]+';
// ENTITY/PROJECT/runs/ID on wandb.ai or a dedicated cloud (*.wandb.io).
const WANDB = new RegExp(`^https://(?:wandb\\.ai|[a-z0-9-]+\\.wandb\\.io)/${SEGMENT}/${SEGMENT}/runs/${SEGMENT}$`);
// WORKSPACE/PROJECT/e/KEY-N on app.neptune.ai or a *.neptune.ai instance.
const NEPTUNE = new RegExp(`^https://(?:[a-z0-9-]+\\.)?neptune\\.ai/${SEGMENT}/${SEGMENT}/e/[A-Z0-9]+-[0-9]+$`);
const CANDIDATE = /https:\/\/\S+/g;

/** The tracker a printed address belongs to, or null. */
export function trackerOfUrl(url: string): TrackerKind | null {
  if (url.length > TRACKER_URL_MAX) return null;
  if (WANDB.test(url)) return 'wandb';
  if (NEPTUNE.test(url)) return 'neptune';
  return null;
}

/** The tracker run addresses on one line of output (escapes removed first), in order. */
export function trackerLinksOfLine(line: string): TrackerLink[] {
  if (!line.includes('https://')) return [];
  const out: TrackerLink[] = [];
  for (const m of stripAnsi(line).matchAll(CANDIDATE)) {
    // A sentence may end right after the address.
    const url = m[0].replace(/[).,;:'"]+$/, '');
    const tracker = trackerOfUrl(url);
    if (tracker) out.push({ tracker, url });
  }
  return out;
}
