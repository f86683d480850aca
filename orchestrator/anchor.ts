/**
 * Where the loop hands its head hash outward: today a line of `journal/anchor`; later work that
 * commits each run to git puts the same head in the commit message (`commitTrailer` in
 * events/anchor.ts) from {@link anchorHead}.
 */
import { appendAnchor, anchorKey } from '../adapters/anchor-file.js';
import type { ChainHead } from '../events/anchor.js';

/** What {@link anchorHead} needs from the loop. */
export interface AnchorContext {
  /** The workspace root. */
  workspace: string;
  /** The HMAC key (AUTOPILOT_ANCHOR_KEY), read once at the loop's start; null for none. */
  key: string | null;
  now: () => Date;
  /** Where problems go (stderr). */
  warn: (line: string) => void;
}

/** The anchor context of a loop in `workspace`, its key read from the environment. */
export function anchorContext(workspace: string, now: () => Date, warn: (line: string) => void, env: NodeJS.ProcessEnv = process.env): AnchorContext {
  return { workspace, key: anchorKey(env), now, warn };
}

/**
 * Records the head of the log outside it: appends `seq`, `hash`, the time and (with a key) the
 * HMAC to `journal/anchor`. Called at each journal step and when the loop ends. Never throws: a
 * head that could not be anchored is said on stderr.
 */
export function anchorHead(ctx: AnchorContext, head: ChainHead): void {
  appendAnchor(ctx.workspace, head, { key: ctx.key, at: ctx.now().toISOString(), warn: ctx.warn });
}
