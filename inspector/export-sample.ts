/**
 * Which seqs a static export holds time travel at, pure: every seq of a small log; of a larger one,
 * its last seqs and as many of its run and session boundaries as the bound allows, spread evenly.
 * The list comes in the order to compute it, so a time budget cut short still covers the log.
 */

/** The bounds of the time-travel sample. */
export interface SampleLimits {
  /** Up to this many events, time travel at every seq. */
  everySeqMax: number;
  /** Beyond, the last seqs always in the sample. */
  lastSeqs: number;
  /** Seqs in the sample at most (the last ones included). */
  maxSeqs: number;
}

/** `items` reordered coarse to fine: the first and the last, then the middle, then the quarters, and so on. */
export function coarseToFine<T>(items: readonly T[]): T[] {
  const n = items.length;
  if (n <= 2) return [...items];
  const taken = new Uint8Array(n);
  const out: T[] = [];
  const take = (i: number) => {
    if (!taken[i]) {
      taken[i] = 1;
      out.push(items[i]!);
    }
  };
  take(0);
  take(n - 1);
  for (let parts = 2; out.length < n; parts *= 2) for (let k = 1; k < parts; k += 2) take(Math.round((k * (n - 1)) / parts));
  return out;
}

/** The sample and, when it is not every seq, the sentence saying what it leaves out. */
export interface Sample {
  seqs: number[];
  omitted: string | null;
}

/** The seqs to hold time travel at in a log of `lastSeq` events whose boundaries are `boundaries` (sorted). */
export function timeTravelSample(lastSeq: number, boundaries: readonly number[], limits: SampleLimits): Sample {
  if (lastSeq <= limits.everySeqMax) return { seqs: Array.from({ length: lastSeq }, (_, i) => i + 1), omitted: null };
  const lastCount = Math.min(limits.lastSeqs, limits.maxSeqs, lastSeq);
  const first = lastSeq - lastCount + 1;
  const last = Array.from({ length: lastCount }, (_, i) => lastSeq - i);
  const earlier = boundaries.filter((s) => s >= 1 && s < first);
  const picked = coarseToFine(earlier).slice(0, Math.max(0, limits.maxSeqs - lastCount));
  const seqs = [...last, ...picked];
  return {
    seqs,
    omitted: `time travel at ${lastSeq - seqs.length} of ${lastSeq} seqs: a log of more than ${limits.everySeqMax} events is exported at its last ${lastCount} seqs and at ${picked.length} of the ${earlier.length} run and session starts and ends before them`,
  };
}
