/** Events of experiment trackers: the address of the tracker run an attempt logged to, as its trainer printed it. */
import { z } from 'zod';
import { TRACKER_URL_MAX, trackerOfRecordedUrl } from '../domain/trainer-io/tracker-url.js';
import { event, RunId } from './event-schema.js';

/** An attempt's trainer printed the address of its tracker run (W&B, Neptune); recorded before its end is. */
export const TrackerRunLinked = event(
  'TrackerRunLinked',
  z.object({
    runId: RunId,
    attempt: z.number().int().positive(),
    tracker: z.enum(['wandb', 'neptune']),
    /** An https address on the tracker's host or a self-hosted server the settings named, of plain path characters (domain/trainer-io/tracker-url.ts). */
    url: z
      .string()
      .max(TRACKER_URL_MAX)
      .refine((u) => trackerOfRecordedUrl(u) !== null, 'an https address of a W&B or Neptune run'),
  }),
);
