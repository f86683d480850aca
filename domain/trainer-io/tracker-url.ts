/**
 * The tracker run's address, read from what the trainer printed: W&B's `wandb: 🚀 View run NAME at:
 * https://wandb.ai/ENTITY/PROJECT/runs/ID` (and the header's `View run at URL`), Neptune's
 * `[neptune] [info   ] Neptune initialized. Open in the app: https://app.neptune.ai/WS/PROJECT/e/KEY-1`.
 * Only https addresses of the trackers' hosts, or of the self-hosted servers the settings name
 * ({@link TrackerOrigins}), of plain path characters (no query, no credentials), at most
 * {@link TRACKER_URL_MAX} characters, are taken: a trainer or agent printing a look-alike address on
 * another host gets nothing recorded. Pure.
 */
import { httpsOrigin } from '../config/trackers.js';
import { stripAnsi } from './log-metrics.js';

/** A tracker. */
export type TrackerKind = 'wandb' | 'neptune';

/** A tracker run's address as the trainer printed it. */
export interface TrackerLink {
  tracker: TrackerKind;
  url: string;
}

/**
 * The self-hosted servers whose run links are taken besides the trackers' own hosts: https origins
 * without a trailing "/" (`https://wandb.mylab.org:8443`), as the settings give them.
 */
export interface TrackerOrigins {
  wandb?: readonly string[];
  neptune?: readonly string[];
}

/** The longest address taken. */
export const TRACKER_URL_MAX = 300;

const SEGMENT = '[A-Za-z0-9._~-]+';
// ENTITY/PROJECT/runs/ID on wandb.ai or a dedicated cloud (*.wandb.io).
const WANDB = new RegExp(`^https://(?:wandb\\.ai|[a-z0-9-]+\\.wandb\\.io)/${SEGMENT}/${SEGMENT}/runs/${SEGMENT}$`);
// WORKSPACE/PROJECT/e/KEY-N on app.neptune.ai or a *.neptune.ai instance.
const NEPTUNE = new RegExp(`^https://(?:[a-z0-9-]+\\.)?neptune\\.ai/${SEGMENT}/${SEGMENT}/e/[A-Z0-9]+-[0-9]+$`);
// The same paths on a configured origin.
const WANDB_PATH = new RegExp(`^/${SEGMENT}/${SEGMENT}/runs/${SEGMENT}$`);
const NEPTUNE_PATH = new RegExp(`^/${SEGMENT}/${SEGMENT}/e/[A-Z0-9]+-[0-9]+$`);
const CANDIDATE = /https:\/\/\S+/g;

/** True when `url` is `path` on one of `origins` (the "/" after the origin ends its host and port, so `wandb.mylab.org.evil.com` is not `wandb.mylab.org`). */
function onOrigin(url: string, origins: readonly string[] | undefined, path: RegExp): boolean {
  return (origins ?? []).some((o) => url.startsWith(`${o}/`) && path.test(url.slice(o.length)));
}

/** The tracker a printed address belongs to, or null. */
export function trackerOfUrl(url: string, origins: TrackerOrigins = {}): TrackerKind | null {
  if (url.length > TRACKER_URL_MAX) return null;
  if (WANDB.test(url) || onOrigin(url, origins.wandb, WANDB_PATH)) return 'wandb';
  if (NEPTUNE.test(url) || onOrigin(url, origins.neptune, NEPTUNE_PATH)) return 'neptune';
  return null;
}

/**
 * The tracker of an address already recorded (TrackerRunLinked): a run's path on the trackers' hosts
 * or on any plain https origin, as which origins the settings trust was decided when it was recorded.
 */
export function trackerOfRecordedUrl(url: string): TrackerKind | null {
  const origin = /^https:\/\/[^/]*/.exec(url)?.[0];
  if (origin === undefined || httpsOrigin(origin) !== origin) return null;
  return trackerOfUrl(url, { wandb: [origin], neptune: [origin] });
}

/** The tracker run addresses on one line of output (escapes removed first), in order. */
export function trackerLinksOfLine(line: string, origins: TrackerOrigins = {}): TrackerLink[] {
  if (!line.includes('https://')) return [];
  const out: TrackerLink[] = [];
  for (const m of stripAnsi(line).matchAll(CANDIDATE)) {
    // A sentence may end right after the address.
    const url = m[0].replace(/[).,;:'"]+$/, '');
    const tracker = trackerOfUrl(url, origins);
    if (tracker) out.push({ tracker, url });
  }
  return out;
}
