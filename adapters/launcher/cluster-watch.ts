/**
 * Watching a scheduler's queue: one listing per poll for every job in flight, however many there
 * are, so a loop with k jobs asks the scheduler as often as a loop with one. A failing listing is
 * retried with backoff a bounded number of times before the watchers are told it is hopeless.
 */
import { LauncherCommandError, type ClusterLauncher, type JobStatus } from './cluster.js';

/** What a watcher hears after each poll. */
export type QueueNews =
  | { kind: 'entry'; entry: JobStatus | null }
  /**
   * The listing failed; `retryInMs` null: the tries are used up (the watch is over). One listing
   * serves every job watched: `watchers` heard of it, and `claim()` is true for the first only, so
   * one failure is recorded once, not once per job.
   */
  | { kind: 'failed'; error: LauncherCommandError; try: number; tries: number; retryInMs: number | null; watchers: number; claim: () => boolean };

/** How the queue is watched: the poll interval and the retry policy of a failing listing. */
export interface WatchPolicy {
  pollMs: number;
  /** Retries after a failure (so `retries + 1` tries in a row before giving up). */
  retries: number;
  /** First wait before a retry; doubled at each further one. */
  retryMs: number;
}

type Listener = (news: QueueNews) => void;

/** One queue watcher per scheduler and policy: its timer runs only while something is watched. */
class QueueWatcher {
  private readonly listeners = new Map<string, Set<Listener>>();
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private polling = false;

  constructor(
    private readonly launcher: ClusterLauncher,
    private readonly policy: WatchPolicy,
  ) {}

  watch(jobId: string, listener: Listener): () => void {
    let set = this.listeners.get(jobId);
    if (!set) this.listeners.set(jobId, (set = new Set()));
    set.add(listener);
    if (!this.timer && !this.polling) this.schedule(0);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(jobId);
      if (this.listeners.size === 0 && this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
    };
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => void this.poll(), ms);
    // A watch never keeps the process alive by itself: the job's follower does.
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    this.timer = null;
    if (this.listeners.size === 0) return;
    this.polling = true;
    // A job watched once the listing was asked for (submitted meanwhile) may not be in it yet: it hears the next one, not "gone".
    const asked = new Set([...this.listeners.values()].flatMap((set) => [...set]));
    let news: (jobId: string) => QueueNews;
    let next = this.policy.pollMs;
    try {
      const entries = new Map((await this.launcher.list()).map((e) => [e.jobId, e]));
      this.failures = 0;
      news = (id) => ({ kind: 'entry', entry: entries.get(id) ?? null });
    } catch (err) {
      if (!(err instanceof LauncherCommandError)) throw err;
      this.failures += 1;
      const tries = this.policy.retries + 1;
      const retryInMs = this.failures < tries ? this.policy.retryMs * 2 ** (this.failures - 1) : null;
      let claimed = false;
      const watchers = asked.size;
      const claim = () => !claimed && (claimed = true);
      const failure: QueueNews = { kind: 'failed', error: err, try: this.failures, tries, retryInMs, watchers, claim };
      news = () => failure;
      if (retryInMs === null) this.failures = 0;
      else next = retryInMs;
    } finally {
      this.polling = false;
    }
    for (const [id, set] of [...this.listeners]) for (const l of [...set]) if (asked.has(l)) l(news(id));
    if (this.listeners.size > 0 && !this.timer) this.schedule(next);
  }
}

const watchers = new Map<string, QueueWatcher>();

/** Calls `listener` after every poll with the job's listing (null: the scheduler no longer lists it) or a failure; returns the unwatch. */
export function watchJob(launcher: ClusterLauncher, jobId: string, policy: WatchPolicy, listener: Listener): () => void {
  const key = `${launcher.kind}/${policy.pollMs}/${policy.retries}/${policy.retryMs}`;
  let w = watchers.get(key);
  if (!w) watchers.set(key, (w = new QueueWatcher(launcher, policy)));
  return w.watch(jobId, listener);
}
