/** "Did you mean …?": the closest of a set of names to a misspelled one. Pure. */

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between `a` and `b`. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `name` by edit distance, when it is close enough to be a misspelling:
 * at most a third of the longer name's length (at least 1, at most 4 edits). Comparison ignores
 * case and treats `-` as `_`. Ties go to the candidate that sorts first. Null when none is close.
 */
export function closestName(name: string, candidates: Iterable<string>): string | null {
  const norm = (s: string) => s.toLowerCase().replaceAll('-', '_');
  const target = norm(name);
  let best: { name: string; distance: number } | null = null;
  for (const candidate of [...candidates].sort()) {
    if (candidate === name) continue;
    const distance = editDistance(target, norm(candidate));
    const limit = Math.min(4, Math.max(1, Math.floor(Math.max(target.length, candidate.length) / 3)));
    if (distance > limit) continue;
    if (best === null || distance < best.distance) best = { name: candidate, distance };
  }
  return best?.name ?? null;
}
