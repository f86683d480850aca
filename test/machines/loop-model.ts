/**
 * An independent model of the loop, written from the README and the design notes, not from
 * machines/: the states a session passes through and what each event does there, for a command
 * proposer with a built-in fallback. Its limits are the ones the model-based test starts the machine
 * with. Paths drawn from this model are driven through the real machine, which must follow them.
 */

/** Limits the model (and the machine under test) runs with. */
export const MODEL_LIMITS = { runsRequested: 2, maxProposalAttempts: 2, maxRunAttempts: 2, maxConsecutiveFailures: 1 } as const;

/** Why a modelled session halted. */
export type HaltKind = 'stop' | 'baseline-failed' | 'failures' | 'rejections' | 'proposer';

/** The run being worked on, as the model sees it. */
export interface ModelRun {
  runId: string;
  kind: 'baseline' | 'proposal';
  /** Proposals asked for (the last ProposalRequested's attempt). */
  asked: number;
  awaiting: boolean;
  fallback: boolean;
  /** Proposals asked for when the built-in optimizer took over. */
  fallbackAt: number;
  /** Trainer attempts started. */
  attempt: number;
  running: boolean;
  accepted: boolean;
  finished: boolean;
  evaluated: boolean;
}

/** A state of the modelled loop. */
export interface ModelState {
  value: 'bootstrap' | 'propose' | 'validate' | 'train' | 'evaluate' | 'journal' | 'done' | 'halted';
  started: boolean;
  runsCompleted: number;
  consecutiveFailures: number;
  stop: null | 'after-run' | 'now';
  incumbent: string | null;
  nextRunIndex: number;
  run: ModelRun | null;
  halt: HaltKind | null;
}

/** What a test can send the model: the event's type and the few facts that change the outcome. */
export type ModelEvent =
  | { type: 'LoopStarted'; resumed: boolean }
  | { type: 'RunPlanned'; runId: string; index: number; kind: 'baseline' | 'proposal' }
  | { type: 'ProposalRequested'; attempt: number }
  | { type: 'ProposalReceived' }
  | { type: 'ProposalFailed' }
  | { type: 'ProposalRejected' }
  | { type: 'ProposalAccepted' }
  | { type: 'RunStarted'; attempt: number }
  | { type: 'RunFinished' }
  | { type: 'RunFailed' }
  | { type: 'RunEvaluated' }
  | { type: 'IncumbentChanged' }
  | { type: 'JournalWritten'; status: 'completed' | 'failed' }
  | { type: 'StopRequested'; now: boolean };

export const initialModel: ModelState = {
  value: 'bootstrap',
  started: false,
  runsCompleted: 0,
  consecutiveFailures: 0,
  stop: null,
  incumbent: null,
  nextRunIndex: 1,
  run: null,
  halt: null,
};

const runIdOf = (index: number) => String(index).padStart(3, '0');

/** The events that can happen in a state (what the invoked step or a person may send there). */
export function modelEvents(s: ModelState): ModelEvent[] {
  const r = s.run;
  const stops: ModelEvent[] = [
    { type: 'StopRequested', now: false },
    { type: 'StopRequested', now: true },
  ];
  switch (s.value) {
    case 'bootstrap':
      return s.started
        ? [{ type: 'RunPlanned', runId: '001', index: 1, kind: 'baseline' }]
        : [
            { type: 'LoopStarted', resumed: false },
            { type: 'LoopStarted', resumed: true },
          ];
    case 'propose':
      if (!r) return [{ type: 'RunPlanned', runId: runIdOf(s.nextRunIndex), index: s.nextRunIndex, kind: 'proposal' }, ...stops];
      return r.awaiting ? [{ type: 'ProposalReceived' }, { type: 'ProposalFailed' }] : [{ type: 'ProposalRequested', attempt: r.asked + 1 }];
    case 'validate':
      return [{ type: 'ProposalAccepted' }, { type: 'ProposalRejected' }];
    case 'train':
      return r?.running ? [{ type: 'RunFinished' }, { type: 'RunFailed' }] : [{ type: 'RunStarted', attempt: (r?.attempt ?? 0) + 1 }, ...stops];
    case 'evaluate':
      return [{ type: 'RunEvaluated' }];
    case 'journal':
      return [...(r?.evaluated && s.incumbent !== r.runId ? [{ type: 'IncumbentChanged' } as const] : []), { type: 'JournalWritten', status: r?.finished ? 'completed' : 'failed' }];
    default:
      return [];
  }
}

const withRun = (s: ModelState, patch: Partial<ModelRun>): ModelState => ({ ...s, run: { ...s.run!, ...patch } });
const halted = (s: ModelState, halt: HaltKind): ModelState => ({ ...s, value: 'halted', halt });

/**
 * A proposal that failed or was rejected: asked again while the attempts last and no stop is asked
 * for; then the built-in optimizer takes over once (the README's proposer.on_exhausted "fallback");
 * then the session halts.
 */
function unanswered(s: ModelState, halt: HaltKind): ModelState {
  const r = s.run!;
  if (s.stop === null && r.asked - r.fallbackAt < MODEL_LIMITS.maxProposalAttempts) return { ...withRun(s, { awaiting: false }), value: 'propose' };
  if (s.stop === null && !r.fallback) return { ...withRun(s, { awaiting: false, fallback: true, fallbackAt: r.asked }), value: 'propose' };
  return halted(withRun(s, { awaiting: false }), halt);
}

/** After a journal entry: stop, a failed baseline, too many failures, all runs done, or the next run. */
function decide(s: ModelState, baselineFailed: boolean): ModelState {
  if (s.stop !== null) return halted(s, 'stop');
  if (baselineFailed) return halted(s, 'baseline-failed');
  if (s.consecutiveFailures >= MODEL_LIMITS.maxConsecutiveFailures) return halted(s, 'failures');
  if (s.runsCompleted >= MODEL_LIMITS.runsRequested) return { ...s, value: 'done' };
  return { ...s, value: 'propose' };
}

/** The model's transition: the state after `e`, or the same state when `e` changes nothing. */
export function modelStep(s: ModelState, e: ModelEvent): ModelState {
  if (s.value === 'done' || s.value === 'halted') return s;
  if (e.type === 'StopRequested') {
    // In train a stop now reaches the trainer, whose end is then recorded, and in journal the step (a
    // confirmation's evaluator), whose entry is then written; elsewhere it halts at once.
    if (e.now && s.value !== 'train' && s.value !== 'journal') return halted({ ...s, stop: 'now' }, 'stop');
    return { ...s, stop: e.now ? 'now' : 'after-run' };
  }
  const r = s.run;
  switch (`${s.value}/${e.type}`) {
    case 'bootstrap/LoopStarted': {
      const resumed = (e as { resumed: boolean }).resumed;
      // A resumed workspace already has its baseline as incumbent: the session goes straight to proposing.
      return { ...s, started: true, value: resumed ? 'propose' : 'bootstrap', incumbent: resumed ? '001' : null, nextRunIndex: resumed ? 2 : 1 };
    }
    case 'bootstrap/RunPlanned':
    case 'propose/RunPlanned': {
      const p = e as Extract<ModelEvent, { type: 'RunPlanned' }>;
      const run: ModelRun = {
        runId: p.runId,
        kind: p.kind,
        asked: 0,
        awaiting: false,
        fallback: false,
        fallbackAt: 0,
        attempt: 0,
        running: false,
        accepted: false,
        finished: false,
        evaluated: false,
      };
      // The baseline is the config unchanged: no proposer is asked, it goes to validation at once.
      return { ...s, run, nextRunIndex: p.index + 1, value: p.kind === 'baseline' ? 'validate' : 'propose' };
    }
    case 'propose/ProposalRequested':
      return withRun(s, { asked: (e as { attempt: number }).attempt, awaiting: true });
    case 'propose/ProposalReceived':
      return { ...withRun(s, { awaiting: false }), value: 'validate' };
    case 'propose/ProposalFailed':
      return unanswered(s, 'proposer');
    case 'validate/ProposalAccepted':
      return { ...withRun(s, { accepted: true }), value: 'train' };
    case 'validate/ProposalRejected':
      return unanswered(s, 'rejections');
    case 'train/RunStarted':
      return withRun(s, { attempt: (e as { attempt: number }).attempt, running: true });
    case 'train/RunFinished':
      return { ...withRun(s, { running: false, finished: true }), value: 'evaluate' };
    case 'train/RunFailed':
      // Retried while attempts last and no stop is asked for; else the failure is journaled.
      if (s.stop === null && r!.attempt < MODEL_LIMITS.maxRunAttempts) return withRun(s, { running: false });
      return { ...withRun(s, { running: false }), value: 'journal' };
    case 'evaluate/RunEvaluated':
      return { ...withRun(s, { evaluated: true }), value: 'journal' };
    case 'journal/IncumbentChanged':
      return { ...s, incumbent: r!.runId };
    case 'journal/JournalWritten': {
      const failed = (e as { status: string }).status === 'failed';
      const baselineFailed = failed && r!.kind === 'baseline' && s.incumbent === null;
      return decide({ ...s, run: null, runsCompleted: s.runsCompleted + 1, consecutiveFailures: failed ? s.consecutiveFailures + 1 : 0 }, baselineFailed);
    }
    default:
      throw new Error(`the model has no ${e.type} in ${s.value}`);
  }
}

/** One path of the model: the events from the initial state, and the state after each. */
export interface ModelPath {
  events: ModelEvent[];
  states: ModelState[];
}

/** The shortest path from the initial state to every state the model can reach (breadth first). */
export function modelPaths(): ModelPath[] {
  const seen = new Map<string, ModelPath>([[JSON.stringify(initialModel), { events: [], states: [initialModel] }]]);
  const queue = [initialModel];
  for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
    const path = seen.get(JSON.stringify(s))!;
    for (const e of modelEvents(s)) {
      const next = modelStep(s, e);
      const key = JSON.stringify(next);
      if (seen.has(key)) continue;
      seen.set(key, { events: [...path.events, e], states: [...path.states, next] });
      queue.push(next);
    }
  }
  return [...seen.values()];
}
