/** Which files a snapshot keeps a copy of, within its budget. Pure. */
import type { TreeLimits } from './tree.js';

/** Whether a file gets a copy, or why not. */
export type CopyPlan = 'kept' | 'file-cap' | 'budget';

/**
 * Plans the copies of `files` (by key, with their sizes): none of a file over `keepBytes`, then
 * the smallest first while `keepBudget` lasts, so the most files can be put back. Equal sizes keep
 * the order given.
 */
export function planCopies<K>(files: readonly { key: K; size: number }[], limits: Pick<TreeLimits, 'keepBytes' | 'keepBudget'>): Map<K, CopyPlan> {
  const plan = new Map<K, CopyPlan>();
  let left = limits.keepBudget;
  const bySize = files.map((f, i) => ({ ...f, i })).sort((a, b) => a.size - b.size || a.i - b.i);
  for (const f of bySize) {
    if (f.size > limits.keepBytes) plan.set(f.key, 'file-cap');
    else if (f.size > left) plan.set(f.key, 'budget');
    else {
      plan.set(f.key, 'kept');
      left -= f.size;
    }
  }
  return plan;
}

/** "1 MiB", "256 MiB", or "100-byte" for a cap that is not whole MiB, for notes. */
export function capText(bytes: number): string {
  return bytes % (1 << 20) === 0 ? `${bytes / (1 << 20)} MiB` : `${bytes}-byte`;
}
