/**
 * The queue watcher's one listing per poll, with a launcher whose listing the test answers by hand
 * (the real Slurm cannot be held mid-answer): a job submitted while a listing is under way is not
 * in that listing, and must not be told it is gone.
 */
import { describe, expect, it } from 'vitest';
import { LauncherCommandError, type ClusterLauncher, type JobStatus } from '../../../adapters/launcher/cluster.js';
import { watchJob, type QueueNews } from '../../../adapters/launcher/cluster-watch.js';

const entry = (jobId: string): JobStatus => ({ jobId, name: `ap-${jobId}`, comment: '', state: 'RUNNING', reason: 'None', restarts: 0 });
const until = async (what: string, ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!ok()) throw new Error(`gave up waiting for ${what}`);
};

/** A launcher whose listings are answered by the test, in the order they are asked for. */
function heldLauncher() {
  const pending: { resolve: (l: JobStatus[]) => void; reject: (e: Error) => void }[] = [];
  const launcher = { kind: 'slurm', list: () => new Promise<JobStatus[]>((resolve, reject) => pending.push({ resolve, reject })) } as unknown as ClusterLauncher;
  return { launcher, pending };
}

describe('watching jobs with one listing per poll', () => {
  it('tells a job watched while a listing was under way nothing from that listing, and the next listing about it', async () => {
    const { launcher, pending } = heldLauncher();
    const policy = { pollMs: 11, retries: 1, retryMs: 7 };
    const a: QueueNews[] = [];
    const b: QueueNews[] = [];
    const stopA = watchJob(launcher, '1', policy, (n) => a.push(n));
    await until('the first listing', () => pending.length === 1);
    // Job 2 is submitted while the listing runs: the listing does not hold it.
    const stopB = watchJob(launcher, '2', policy, (n) => b.push(n));
    pending[0]!.resolve([entry('1')]);
    await until('the second listing', () => pending.length === 2);
    expect(a).toEqual([{ kind: 'entry', entry: entry('1') }]);
    expect(b).toEqual([]);
    pending[1]!.resolve([entry('1'), entry('2')]);
    await until('job 2 hears of itself', () => b.length === 1);
    expect(b).toEqual([{ kind: 'entry', entry: entry('2') }]);
    stopA();
    stopB();
  });

  it('counts as watchers of a failed listing only the jobs it was asked for', async () => {
    const { launcher, pending } = heldLauncher();
    const policy = { pollMs: 13, retries: 1, retryMs: 7 };
    const a: QueueNews[] = [];
    const b: QueueNews[] = [];
    const stopA = watchJob(launcher, '1', policy, (n) => a.push(n));
    await until('the first listing', () => pending.length === 1);
    const stopB = watchJob(launcher, '2', policy, (n) => b.push(n));
    pending[0]!.reject(new LauncherCommandError('squeue', ['squeue'], 1, 'squeue: error: Unable to contact slurm controller'));
    await until('job 1 hears of the failure', () => a.length === 1);
    expect(a[0]).toMatchObject({ kind: 'failed', try: 1, tries: 2, retryInMs: 7, watchers: 1 });
    expect(b).toEqual([]);
    stopA();
    stopB();
  });
});
