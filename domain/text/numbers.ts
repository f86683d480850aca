/** Number and id formatting shared by the journal and the CLI. */

/** A number as the journal prints it: up to 4 significant digits, exponent for the very small or large. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  // Integers (seeds, steps, sizes) print as they are: a seed of 2986876459 is not 2.99e+09.
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6)) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}

/** Zero-pads a run index to a run id (`7` → `007`). */
export function runIdOf(index: number): string {
  return String(index).padStart(3, '0');
}
