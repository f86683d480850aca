/**
 * The kill schedule of the chaos test with several runs in flight: where each restart's SIGKILL
 * lands (a seeded draw), and one cycle of the loop killed there. States are named per slot
 * (`slot2.train`); a plan names the state without its slot, and fires in whichever slot gets there.
 */
import { attemptsByRun, lockHolder, readLogDirect, startCli, type Child, type Ended, type LoggedEvent } from './chaos.js';

/** The states of one run, in the order a slot enters them. */
export const RUN_STATES = ['propose', 'validate', 'train', 'evaluate', 'journal'] as const;
export type RunState = (typeof RUN_STATES)[number];
/** The kinds of kill a schedule shuffles. */
export type KillKind = 'on-state' | 'delay' | 'after-resume';

/** Where a cycle's kill lands. */
export type Plan =
  /** d ms after the process was spawned: often inside its own start (lock, catch-up, resume). */
  | { kind: 'delay'; ms: number }
  /** d ms after the restarted loop printed its first event: somewhere in the runs it resumed. */
  | { kind: 'after-resume'; ms: number }
  /** Right after any slot records entering a state. */
  | { kind: 'on-state'; state: RunState; extraMs: number }
  /** Every run is planned: right after the n-th state any slot enters (there are always more left before the end). */
  | { kind: 'on-nth-state'; n: number; extraMs: number }
  /** A run has used many attempts: let it finish, kill once it is evaluated. */
  | { kind: 'let-finish'; runId: string }
  /** The last run is under way: kill as soon as the restarted loop holds the lock, so the kills do not run out. */
  | { kind: 'top-up' }
  /** The schedule is spent: let the loop finish. */
  | { kind: 'none' };

/** A one-line description of a plan, for the printed table. */
export function describePlan(p: Plan): string {
  switch (p.kind) {
    case 'delay':
      return `${p.ms} ms after spawn`;
    case 'after-resume':
      return `${p.ms} ms after resuming`;
    case 'on-state':
      return `on entering *.${p.state} (+${p.extraMs} ms)`;
    case 'on-nth-state':
      return `on the ${p.n}. state entered (+${p.extraMs} ms)`;
    case 'let-finish':
      return `after run ${p.runId} was evaluated`;
    case 'top-up':
      return 'once the lock was taken';
    case 'none':
      return 'not killed';
  }
}

/** A seeded shuffle of `counts` kills of each kind. */
export function killSchedule(rng: () => number, counts: Record<KillKind, number>): KillKind[] {
  const slots = (Object.entries(counts) as [KillKind, number][]).flatMap(([kind, n]) => Array<KillKind>(n).fill(kind));
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [slots[i], slots[j]] = [slots[j]!, slots[i]!];
  }
  return slots;
}

/** The state a slot's StateEntered names, without its slot (`slot2.train` → `train`). */
export function baseState(to: string): string {
  return to.replace(/^slot\d+\./, '');
}

/**
 * The plan of the next restart, from the log so far. Draws the same number of random values every
 * time, so a seed replays the same schedule (where the kills land still depends on timing).
 */
export function planFor(o: { schedule: KillKind[]; kills: number; rng: () => number; log: LoggedEvent[]; runs: number; letFinishAt: number }): Plan {
  const u = o.rng();
  const v = o.rng();
  const kind = o.schedule[o.kills];
  if (kind === undefined) return { kind: 'none' };
  const journaled = new Set(o.log.filter((e) => e.type === 'JournalWritten').map((e) => e.data.runId!));
  const planned = o.log.filter((e) => e.type === 'RunPlanned').map((e) => e.data.runId!);
  const open = planned.filter((r) => !journaled.has(r));
  const worn = open.find((r) => (attemptsByRun(o.log).get(r)?.length ?? 0) >= o.letFinishAt);
  if (worn !== undefined) return { kind: 'let-finish', runId: worn };
  // In the last run a plan might outlive the loop: kill without progress until the schedule is spent.
  if (o.runs - journaled.size <= 1) return { kind: 'top-up' };
  const extraMs = Math.floor(v * 4);
  // Once every run is planned a slot may never enter propose again: kill on a state that surely comes.
  if (planned.length >= o.runs) return { kind: 'on-nth-state', n: 1 + Math.floor(u * 2), extraMs };
  // Delays are log-uniform from 3 ms to 1.5 s: many short ones (the start, the first steps), some deep into the runs.
  const ms = Math.round(3 * 500 ** u);
  if (kind === 'on-state') return { kind: 'on-state', state: RUN_STATES[Math.floor(u * RUN_STATES.length)]!, extraMs };
  return { kind, ms };
}

/**
 * Starts `autopilot loop ARGS --json` and kills it per `plan`; resolves with how it ended and whether the kill was ours.
 * A timed kill never lands after the loop's end (a kill then would leave nothing to resume, and the next
 * start would open a new session): it fires at the latest once every run but the last of `runs` is journaled.
 */
export async function killCycle(ws: string, args: string[], plan: Plan, runs: number): Promise<{ ended: Ended; child: Child; killed: boolean }> {
  const journaled = new Set(readLogDirect(ws).flatMap((e) => (e.type === 'JournalWritten' ? [String(e.data.runId)] : [])));
  const child = startCli(['loop', ...args, '--workspace', ws, '--json']);
  let fired = false;
  const fire = () => {
    if (fired) return;
    fired = true;
    void child.kill();
  };
  const timers: NodeJS.Timeout[] = [];
  const later = (ms: number) => (ms === 0 ? fire() : timers.push(setTimeout(fire, ms)));
  const events = (f: (e: LoggedEvent) => void) => child.onLine((line) => f(JSON.parse(line) as LoggedEvent));
  let poll: NodeJS.Timeout | undefined;
  let entered = 0;
  if (plan.kind === 'delay' || plan.kind === 'after-resume') {
    events((e) => {
      if (e.type === 'JournalWritten') journaled.add(String(e.data.runId));
      if (journaled.size >= runs - 1) fire();
    });
  }
  switch (plan.kind) {
    case 'delay':
      later(plan.ms);
      break;
    case 'after-resume':
      events(() => entered++ === 0 && later(plan.ms));
      break;
    case 'on-state':
      events((e) => e.type === 'StateEntered' && baseState(String(e.data.to)) === plan.state && later(plan.extraMs));
      break;
    case 'on-nth-state':
      events((e) => e.type === 'StateEntered' && ++entered === plan.n && later(plan.extraMs));
      break;
    case 'let-finish':
      events((e) => e.type === 'RunEvaluated' && e.data.runId === plan.runId && fire());
      break;
    case 'top-up':
      poll = setInterval(() => lockHolder(ws) === child.pid && fire(), 2);
      break;
    case 'none':
      break;
  }
  const ended = await child.ended;
  timers.forEach(clearTimeout);
  clearInterval(poll);
  return { ended, child, killed: ended.signal === 'SIGKILL' };
}
