/** Bounded parallelism for bench:proposers. */

/** Runs `tasks` with at most `jobs` in flight; results in task order. The first failure rejects, once the tasks in flight have settled. */
export async function pool<T>(tasks: ReadonlyArray<() => Promise<T>>, jobs: number): Promise<T[]> {
  const out: T[] = new Array<T>(tasks.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < tasks.length && !failed) {
      const i = next++;
      try {
        out[i] = await (tasks[i] as () => Promise<T>)();
      } catch (err) {
        // No new task starts after a failure: the bench fails, and fast.
        failed = true;
        throw err;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(jobs, tasks.length) }, worker));
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected) throw rejected.reason;
  return out;
}
