/**
 * The root seed of a session's built-in and random proposals: `loop --seed`, else autopilot.json
 * `proposer.seed`, else the one the log last recorded, else drawn here from the system's
 * randomness (once per workspace: LoopStarted records it, and later sessions read it back).
 */
import { randomInt } from 'node:crypto';
import type { DataOf } from '../../events/catalogue.js';
import type { Settings } from '../../domain/config/settings.js';
import type { WorkspaceView } from '../../projections/view.js';

/** A root seed and where it came from, as LoopStarted records it. */
export type RootSeed = NonNullable<DataOf<'LoopStarted'>['proposerSeed']>;

/** The root seed the latest session of `view` recorded (undefined when none did). */
export function recordedRootSeed(view: WorkspaceView): number | undefined {
  return [...view.sessions.values()].filter((s) => s.proposerSeed !== undefined).at(-1)?.proposerSeed;
}

/** The root seed of a new session. */
export function resolveRootSeed(option: number | undefined, settings: Settings, view: WorkspaceView): RootSeed {
  if (option !== undefined) return { value: option, source: 'option' };
  if (settings.proposer.seed !== undefined) return { value: settings.proposer.seed, source: 'settings' };
  const recorded = recordedRootSeed(view);
  if (recorded !== undefined) return { value: recorded, source: 'log' };
  // randomInt's upper bound is exclusive: any 32-bit unsigned integer.
  return { value: randomInt(0, 2 ** 32), source: 'drawn' };
}
