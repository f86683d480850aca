/**
 * The held-out seeds of an evaluation: a range of consecutive seeds that no training run of the log
 * used, so a checkpoint is never judged on a start it trained on. Pure and deterministic: the same
 * log gives the same range, so evaluations of one workspace are comparable.
 */

/** Where held-out ranges start: far above the seeds a seed policy draws from small bases (and below 2³¹, for trainers that keep seeds in an int32). */
export const HELD_OUT_BASE = 1_000_000_000;

/** A held-out range and the training seeds it was kept clear of. */
export interface HeldOutRange {
  first: number;
  count: number;
  training: { count: number; max: number | null };
}

/**
 * The first `count` consecutive seeds from `base` on that contain no training seed: the range
 * starts at `base` and moves past every training seed that falls inside it.
 * @throws RangeError for a count below 1 or a range that would leave the safe integers
 */
export function heldOutSeeds(trainingSeeds: Iterable<number>, count: number, base = HELD_OUT_BASE): HeldOutRange {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`the held-out seeds need a positive count, got ${count}`);
  const seeds = [...new Set(trainingSeeds)].filter((s) => Number.isSafeInteger(s)).sort((a, b) => a - b);
  let first = base;
  for (const s of seeds) if (s >= first && s < first + count) first = s + 1;
  if (!Number.isSafeInteger(first + count)) throw new RangeError('no held-out range of safe integers is left above the training seeds');
  return { first, count, training: { count: seeds.length, max: seeds.at(-1) ?? null } };
}

/** Whether seed `s` lies in the range. */
export function inRange(range: { first: number; count: number }, s: number): boolean {
  return s >= range.first && s < range.first + range.count;
}
