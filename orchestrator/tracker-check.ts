/**
 * `autopilot check`'s line on experiment trackers: which one the trainer logs to, on which hosts
 * its run links are recorded, and a `WANDB_BASE_URL` the trainer gets whose links would silently go
 * unrecorded (exported in the shell only, or not an https origin). Pure: the environment is passed in.
 */
import type { Settings } from '../domain/config/settings.js';
import { trackerOriginsOf } from '../domain/trainer-io/tracker-origins.js';

/** The trackers as `check --json` reports them. */
export interface TrackersFact {
  tracker: 'wandb' | 'neptune' | null;
  /** `ENTITY/PROJECT` (W&B, entity when set) or `WORKSPACE/PROJECT` (Neptune). */
  project?: string;
  /** Where run links are recorded: the tracker's own hosts, then the self-hosted origins the settings name. */
  recordedOn: string[];
  /** The WANDB_BASE_URL the trainer gets (from trainer.env or this shell) when its run links are not recorded. */
  unrecorded?: string;
}

/** The trackers of `settings`, seen from a shell with environment `env`. */
export function trackersFact(settings: Pick<Settings, 'trackers' | 'trainer'>, env: Readonly<Record<string, string | undefined>>): TrackersFact {
  const { wandb, neptune } = settings.trackers;
  const origins = trackerOriginsOf(settings);
  if (neptune) return { tracker: 'neptune', project: `${neptune.workspace}/${neptune.project}`, recordedOn: ['*.neptune.ai', ...(origins.neptune ?? [])] };
  if (!wandb) return { tracker: null, recordedOn: [] };
  const fact: TrackersFact = { tracker: 'wandb', project: `${wandb.entity ? `${wandb.entity}/` : ''}${wandb.project}`, recordedOn: ['wandb.ai', '*.wandb.io', ...(origins.wandb ?? [])] };
  // What the trainer is told: base_url, else trainer.env's, else the shell's; its links go unrecorded unless trusted.
  const told = wandb.base_url ?? settings.trainer.env['WANDB_BASE_URL'] ?? env['WANDB_BASE_URL'];
  if (told && !fact.recordedOn.includes(told.replace(/\/$/, ''))) fact.unrecorded = told;
  return fact;
}

/** The fact in one line. */
export function trackersLine(f: TrackersFact): string {
  if (f.tracker === null) return 'none (trackers in autopilot.json)';
  const name = f.tracker === 'wandb' ? 'W&B' : 'Neptune';
  const warn = f.unrecorded ? `; the trainer gets WANDB_BASE_URL=${f.unrecorded}, but its run links will not be recorded: name an https server in trackers.wandb.base_url` : '';
  return `${name} project ${f.project}, run links recorded on ${f.recordedOn.join(', ')}${warn}`;
}
