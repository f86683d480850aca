/**
 * A synthetic but realistic and valid event history, for benchmarks over long logs.
 *
 * The history is a sequence of loop sessions (`runsPerSession` runs each) whose payloads come from
 * the same pure domain functions the loop's actors use (seeded random search, validation with
 * merge, rules and diff, evaluation, the journal entry), and whose `StateEntered` events are the
 * ones the orchestrator records for the machine's transitions. Besides the common path it holds
 * the rarer ones, deterministically spread over the history: agent proposals that are rejected
 * and asked again, proposer failures, failed launches that are retried or fail for good, loops
 * that crashed during training and were resumed (lock taken over; the trainer reattached, or its
 * launch recorded as orphaned and retried), and loops stopped by request. `checkAgainstMachine` folds sessions through the real machine to show the
 * `StateEntered` events agree with it.
 *
 * Deterministic: the same options give the same events (timestamps come from a synthetic clock).
 */
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { streamOf, type AutopilotEvent, type AutopilotEventType, type DataOf, type EventOf, type IncumbentRef } from '../events/catalogue.js';
import type { EventStore } from '../events/store.js';
import { getPath, mergeConfig, type Config } from '../domain/config/config.js';
import { evaluateRun, sampleOf } from '../domain/judging/evaluate.js';
import { decideJournal, type JournalFacts } from '../domain/run/journal-entry.js';
import { runIdOf } from '../domain/text/numbers.js';
import type { Policy } from '../domain/policy/policy.js';
import { proposeRandom } from '../domain/proposers/random.js';
import { fromRecordable, toRecordable } from '../domain/policy/recordable.js';
import { createRng, seedFromString } from '../domain/rng.js';
import { validateOverrides } from '../domain/policy/validate.js';
import { loopMachine, type LoopMachine } from '../machines/loop.machine.js';
import type { Mode } from '../domain/config/mode.js';

/** Options of {@link syntheticHistory}. */
export interface SyntheticOptions {
  /** Runs in the whole history. */
  runs: number;
  /** Runs each loop session asks for (after a session that halted early, the next asks for the rest of its block). */
  runsPerSession: number;
  /** Seed of every random choice (proposals are seeded per session/run/attempt, as the loop does). */
  seed: number;
  /** Absolute path of the workspace the runs claim to have run in (cwd, log paths). */
  workspace: string;
  policy: Policy;
  baselines: { quick: Config; full: Config };
  /** The trainer command of the settings (`trainer.command`). */
  trainerCommand: string[];
  /** Time of the first event (default 2026-01-05T08:00:00Z). */
  start?: Date;
}

/** The events of one run, in log order, with the session events around it (loop start before the first run, loop end after the last). */
export interface RunBatch {
  /** Run index (1-based, over the whole history). */
  index: number;
  session: string;
  events: AutopilotEvent[];
}

const METRIC = { name: 'mean_reward', direction: 'maximize' } as const;
/** The statistics of the shipped settings; the synthetic loop replicates nothing (replicates 0), so its runs stay proposals. */
const STATISTICS = { alpha: 0.05, sidedness: 'two-sided', resamples: 10_000, interval: 'percentile' } as const;
const LIMITS = { maxProposalAttempts: 3, maxRunAttempts: 2, maxConsecutiveFailures: 3 } as const;
const TIMEOUTS = { quick: { wall: 180, noOutput: 60 }, full: { wall: 1800, noOutput: 120 } } as const;

/** Generates the history run by run (constant memory: nothing is kept but the incumbent). */
export function* syntheticHistory(o: SyntheticOptions): Generator<RunBatch> {
  const rng = createRng(o.seed);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * rng();
  const int = (lo: number, hi: number) => Math.floor(uniform(lo, hi + 1));
  const chance = (p: number) => rng() < p;

  let clock = (o.start ?? new Date('2026-01-05T08:00:00.000Z')).getTime();
  const tick = (lo: number, hi: number) => {
    clock += Math.round(uniform(lo, hi));
  };
  let pid = 20_000 + int(0, 10_000);
  const nextPid = () => (pid += int(3, 60));

  let incumbent: IncumbentRef | null = null;
  let index = 1;
  let sessionNo = 0;

  while (index <= o.runs) {
    sessionNo += 1;
    const session = String(sessionNo).padStart(4, '0');
    // A session asks for what is left of its block of `runsPerSession` runs (all of it, unless the
    // previous session halted early), so blocks, and the last session, are whole.
    const runsRequested = Math.min(o.runsPerSession - ((index - 1) % o.runsPerSession), o.runs - index + 1);
    const mode: Mode = sessionNo % 20 === 10 ? 'full' : 'quick';
    // Every third session an agent proposes: fewer keys at a time, and sometimes invalid values.
    const proposer = sessionNo % 3 === 0 ? 'codex' : 'random';
    const orchestratorPid = nextPid();
    // Rare paths, at fixed places so every history of some length has them.
    const crashAt = sessionNo % 20 === 7 ? int(2, runsRequested) : 0; // orchestrator died during this run's training
    const trainerSurvived = sessionNo % 40 === 7; // ...and the next one reattached to the trainer (else: orphaned)
    const stopAt = sessionNo % 25 === 12 ? int(2, runsRequested) : 0; // a stop request during this run's training

    let events: AutopilotEvent[] = [];
    const emit = <T extends AutopilotEventType>(type: T, data: DataOf<T>, gap: [number, number] = [2, 40]): EventOf<T> => {
      tick(gap[0], gap[1]);
      const e = { type, data, metadata: { session, at: new Date(clock).toISOString() } } as EventOf<T>;
      events.push(e);
      return e;
    };
    let state: string | null = null;
    const enter = (to: string, by: AutopilotEventType) => {
      emit('StateEntered', { from: state, to, event: by }, [0, 6]);
      state = to;
    };

    emit('LoopStarted', {
      session,
      runsRequested,
      mode,
      proposer,
      firstRunIndex: index,
      incumbent,
      limits: { ...LIMITS },
      metric: { ...METRIC },
      pid: orchestratorPid,
    });
    enter('bootstrap', 'LoopStarted');
    if (incumbent) enter('propose', 'LoopStarted');

    let runsCompleted = 0;
    let consecutiveFailures = 0;
    let halt: string | null = null;
    let stop: DataOf<'StopRequested'> | null = null;
    let currentPid = orchestratorPid;

    while (halt === null && runsCompleted < runsRequested) {
      const runId = runIdOf(index);
      const kind = incumbent ? 'proposal' : 'baseline';
      const facts: JournalFacts = {
        runId,
        index,
        kind,
        attempt: 0,
        proposal: null,
        accepted: null,
        finished: null,
        failure: null,
        evaluation: null,
      };

      // --- plan and propose ---
      emit('RunPlanned', { runId, index, kind, mode });
      const baseline = o.baselines[mode];
      const base = incumbent ? mergeConfig(baseline, incumbent.override) : baseline;
      let accepted: DataOf<'ProposalAccepted'> | null = null;
      if (kind === 'baseline') {
        enter('validate', 'RunPlanned');
        accepted = acceptedOf(runId, 0, 'baseline', 'baseline', validateOverrides({}, baseline, o.policy), {
          rationale: 'baseline config, unchanged',
          hypothesis: 'the baseline sets the reference every later run is compared with',
        });
        emit('ProposalAccepted', accepted, [5, 60]);
        enter('train', 'ProposalAccepted');
      } else {
        let attempt = 0;
        let errors: DataOf<'ProposalRejected'>['errors'] = [];
        while (!accepted && halt === null) {
          attempt += 1;
          emit('ProposalRequested', { runId, attempt, proposer, previousErrors: errors });
          // The agent fails now and then (and always on the first ask for a session's fifth run).
          if (proposer === 'codex' && ((runsCompleted === 4 && attempt === 1) || chance(0.01)) && attempt < LIMITS.maxProposalAttempts) {
            emit('ProposalFailed', { runId, attempt, proposer, message: 'codex exec exited with code 1 before writing proposals/next_config.json' }, [30_000, 120_000]);
            enter('propose', 'ProposalFailed');
            continue;
          }
          const seed = seedFromString(`${session}/${runId}/${attempt}`);
          const invalid = proposer === 'codex' && attempt === 1 && chance(0.12);
          const proposal = proposer === 'codex' ? agentProposal(o.policy, seed, invalid) : proposeRandom(o.policy, seed);
          const received = emit(
            'ProposalReceived',
            {
              runId,
              attempt,
              proposer,
              seed: proposer === 'codex' ? null : seed,
              overrides: toRecordable(proposal.overrides),
              rationale: proposal.rationale,
              hypothesis: proposal.hypothesis,
            },
            proposer === 'codex' ? [20_000, 180_000] : [3, 30],
          );
          facts.proposal = received.data;
          enter('validate', 'ProposalReceived');
          const result = validateOverrides(fromRecordable(received.data.overrides), base, o.policy);
          if (!result.ok) {
            errors = result.errors.map((e) => ({ ...e, value: toRecordable(e.value) }));
            emit('ProposalRejected', { runId, attempt, errors });
            if (attempt < LIMITS.maxProposalAttempts) enter('propose', 'ProposalRejected');
            else {
              enter('halted', 'ProposalRejected');
              halt = `run ${runId}: no valid proposal after ${attempt} attempt(s); last errors: ${errors.map((e) => e.message).join('; ')}`;
            }
            continue;
          }
          accepted = acceptedOf(runId, attempt, proposer, incumbent!.runId, result, proposal);
          emit('ProposalAccepted', accepted, [5, 60]);
          enter('train', 'ProposalAccepted');
        }
      }
      if (halt !== null || !accepted) break;
      facts.accepted = accepted;

      // --- train (with retries) ---
      const config = accepted.config;
      const seedValue = getPath(config, 'train.seed');
      const trainSeed = typeof seedValue === 'number' ? seedValue : null;
      const quality = qualityOf(config);
      const logPath = `${o.workspace}/logs/${runId}.log`;
      let finished: DataOf<'RunFinished'> | null = null;
      let attempt = 0;
      let logBytes = 0;
      const crashHere = crashAt > 0 && runsCompleted + 1 === crashAt;
      const stopHere = stopAt > 0 && runsCompleted + 1 === stopAt;
      // A failed first launch in ~3% of runs (retried); ~1% fail on both launches. Never the baseline.
      const failures = kind === 'baseline' || crashHere || stopHere ? 0 : chance(0.03) ? (chance(0.3) ? 2 : 1) : 0;
      while (!finished) {
        attempt += 1;
        facts.attempt = attempt;
        const launchedPid = nextPid();
        emit(
          'RunStarted',
          {
            runId,
            attempt,
            launcher: 'local',
            argv: [...o.trainerCommand],
            cwd: o.workspace,
            pid: launchedPid,
            pidStartTime: String(1_000_000 + int(0, 9_000_000)),
            seed: trainSeed,
            logPath,
            exitFile: `${o.workspace}/logs/${runId}.attempt-${attempt}.exit.json`,
            logOffset: logBytes,
          },
          [10, 80],
        );
        const startedAt = clock;
        const total = Number(getPath(config, 'train.total_timesteps') ?? 40_960);
        const durationMs = Math.round(mode === 'quick' ? uniform(5_500, 12_000) : uniform(40_000, 90_000));
        const progressEvery = mode === 'quick' ? 5_000 : 10_000;
        const fails = attempt <= failures;
        const progressCount = Math.max(1, Math.floor(durationMs / progressEvery) - (fails ? 1 : 0));
        logBytes += 900 + 420 * progressCount;
        let crashed = false;
        for (let p = 1; p <= progressCount; p++) {
          const steps = Math.min(total, Math.round((total * p * progressEvery) / durationMs));
          emit('RunProgress', { runId, attempt, metrics: progressMetrics(steps, total, p, quality, accepted, rng) }, [progressEvery - 200, progressEvery + 200]);
          if (crashHere && attempt === 1 && p === 1) {
            // The orchestrator died here; the next `autopilot loop` takes the lock over and resumes the session.
            crashed = true;
            tick(trainerSurvived ? 500 : 600_000, trainerSurvived ? 3_000 : 3_600_000);
            const previous = currentPid;
            currentPid = nextPid();
            emit('LockTakenOver', { previousPid: previous, pid: currentPid, path: `${o.workspace}/autopilot.lock` });
            emit('LoopResumed', { session, pid: currentPid, state: 'train' });
            if (!trainerSurvived) break;
            emit('RunReattached', { runId, attempt, pid: launchedPid, alive: true }, [5, 20]);
          }
          if (stopHere && p === 1) break;
        }
        if (crashed && !trainerSurvived) {
          const failure: DataOf<'RunFailed'> = {
            runId,
            attempt,
            reason: 'orphaned',
            exitCode: null,
            signal: null,
            durationMs: clock - startedAt + 20,
            message: `the orchestrator stopped while attempt ${attempt} (pid ${launchedPid}) was running, and the trainer ended without a recorded exit`,
          };
          emit('RunFailed', failure, [20, 20]);
          facts.failure = failure;
          enter('train', 'RunFailed');
          continue;
        }
        if (stopHere) {
          stop = { reason: 'SIGINT', now: false };
          emit('StopRequested', stop, [1_000, 4_000]);
          const failure: DataOf<'RunFailed'> = {
            runId,
            attempt,
            reason: 'killed',
            exitCode: null,
            signal: 'SIGTERM',
            durationMs: clock - startedAt + 150,
            message: "stopped by request; the trainer's process group was terminated",
          };
          emit('RunFailed', failure, [150, 150]);
          facts.failure = failure;
          enter('journal', 'RunFailed');
          break;
        }
        if (fails) {
          const failure = launchFailure(runId, attempt, mode, durationMs, logPath, rng);
          emit('RunFailed', failure, [durationMs - progressCount * progressEvery, durationMs - progressCount * progressEvery + 100]);
          facts.failure = failure;
          if (attempt < LIMITS.maxRunAttempts) {
            enter('train', 'RunFailed');
            continue;
          }
          enter('journal', 'RunFailed');
          break;
        }
        const sample = episodeReturns(quality, 32, rng);
        const meanReturn = sample.reduce((a, b) => a + b, 0) / sample.length;
        finished = {
          runId,
          attempt,
          exitCode: 0,
          durationMs,
          summarySource: 'summary',
          metrics: {
            agent_steps: total,
            episode_length: meanReturn,
            epoch: Math.ceil(total / Number(getPath(config, 'train.batch_size') ?? 1024)),
            eval_episodes: sample.length,
            mean_reward: meanReturn,
            sps: Math.round((total * 1000) / durationMs),
            success_rate: sample.filter((x) => x >= 500).length / sample.length,
          },
          samples: { episode_length: sample, mean_reward: [...sample] },
        };
        emit('RunFinished', finished, [durationMs - progressCount * progressEvery + 1_500, durationMs - progressCount * progressEvery + 2_500]);
        facts.finished = finished;
        enter('evaluate', 'RunFinished');
        const evaluation: DataOf<'RunEvaluated'> = {
          runId,
          ...evaluateRun({ runId, sample: sampleOf(finished, METRIC.name) }, incumbent, METRIC, STATISTICS),
        };
        emit('RunEvaluated', evaluation, [1, 8]);
        facts.evaluation = evaluation;
        enter('journal', 'RunEvaluated');
      }

      // --- journal ---
      const { entry, promote } = decideJournal(facts, incumbent, METRIC, runsCompleted, runsRequested);
      if (promote && incumbent?.runId !== runId) {
        emit('IncumbentChanged', { runId, previous: incumbent?.runId ?? null, incumbent: promote });
        incumbent = promote;
      }
      emit('JournalWritten', { runId, ...entry }, [1, 20]);
      runsCompleted += 1;
      consecutiveFailures = entry.status === 'failed' ? consecutiveFailures + 1 : 0;
      index += 1;
      enter('deciding', 'JournalWritten');
      if (stop) {
        halt = `stop requested: ${stop.reason}`;
        enter('halted', 'JournalWritten');
      } else if (consecutiveFailures >= LIMITS.maxConsecutiveFailures) {
        halt = `${consecutiveFailures} consecutive failed run(s) (budget ${LIMITS.maxConsecutiveFailures})`;
        enter('halted', 'JournalWritten');
      } else if (runsCompleted >= runsRequested) enter('done', 'JournalWritten');
      else enter('propose', 'JournalWritten');

      if (halt === null && runsCompleted < runsRequested) {
        const batch = { index: index - 1, session, events };
        events = [];
        yield batch;
      }
    }
    if (halt !== null) emit('LoopHalted', { reason: halt, runsCompleted });
    else emit('LoopCompleted', { runsCompleted, incumbent: incumbent?.runId ?? null });
    yield { index: index - 1, session, events };
    tick(1_800_000, 6 * 3_600_000); // until someone starts the next loop
  }
}

function acceptedOf(
  runId: string,
  attempt: number,
  proposer: string,
  base: string,
  result: ReturnType<typeof validateOverrides>,
  why: { rationale: string; hypothesis: string },
): DataOf<'ProposalAccepted'> {
  if (!result.ok) throw new Error(`synthetic proposal for run ${runId} was rejected: ${result.errors.map((e) => e.message).join('; ')}`);
  return {
    runId,
    attempt,
    proposer,
    base,
    config: result.config,
    override: result.override,
    diff: result.diff,
    normalizations: result.normalizations,
    rationale: why.rationale,
    hypothesis: why.hypothesis,
  };
}

const AGENT_KEYS = ['train.learning_rate', 'train.ent_coef', 'train.gamma', 'train.gae_lambda', 'train.clip_coef', 'train.update_epochs', 'train.minibatch_size'];

/** What a coding agent tends to propose: two or three keys, with prose; `invalid` adds a mistake validation catches. */
function agentProposal(policy: Policy, seed: number, invalid: boolean) {
  const rng = createRng(seed);
  const all = proposeRandom(policy, seed).overrides;
  const keys = [...AGENT_KEYS].sort(() => rng() - 0.5).slice(0, 2 + Math.floor(rng() * 2));
  const overrides: Record<string, unknown> = {};
  for (const k of keys) overrides[k] = all[k];
  if (invalid) {
    const mistake = Math.floor(rng() * 3);
    if (mistake === 0) overrides['train.learning_rate'] = 0.3;
    else if (mistake === 1) overrides['train.lr'] = 0.001;
    else overrides['train.update_epochs'] = 2.5;
  }
  const list = Object.entries(overrides)
    .map(([k, v]) => `${k.replace(/^train\./, '')}=${String(v)}`)
    .join(', ');
  return {
    overrides,
    rationale:
      `The last runs plateau below the incumbent; the value loss still falls late in training, which suggests the updates are ` +
      `too conservative. Changing ${list} moves the run towards the region where the better runs of this session were.`,
    hypothesis: `With ${list} the mean reward over 32 evaluation episodes beats the incumbent by more than its spread.`,
  };
}

/** Expected episode return of a config: best near lr 3e-3, ent_coef 1e-3, gamma 0.99, capped at 500 (CartPole). */
function qualityOf(config: Config): number {
  const num = (k: string, d: number) => {
    const v = getPath(config, k);
    return typeof v === 'number' && v > 0 ? v : d;
  };
  const q =
    520 -
    110 * Math.abs(Math.log10(num('train.learning_rate', 1e-4) / 3e-3)) -
    25 * Math.abs(Math.log10(num('train.ent_coef', 1e-2) / 1e-3)) -
    40 * Math.abs(Math.log10((1 - num('train.gamma', 0.99)) / 0.01)) -
    (30 * Math.abs(Math.log2(num('train.minibatch_size', 256) / 256))) / 2;
  return Math.max(12, Math.min(505, q));
}

/** Per-episode returns of the final evaluation (CartPole: integers in 8..500). */
function episodeReturns(quality: number, n: number, rng: () => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    out.push(Math.max(8, Math.min(500, Math.round(quality + 45 * z))));
  }
  return out;
}

function round(x: number): number {
  return Number(x.toPrecision(6));
}

/** A throttled progress line of the trainer, as the launcher forwards it (numbers only). */
function progressMetrics(steps: number, total: number, p: number, quality: number, accepted: DataOf<'ProposalAccepted'>, rng: () => number): Record<string, number> {
  const frac = steps / total;
  const lr = Number(getPath(accepted.config, 'train.learning_rate') ?? 1e-4);
  const meanReward = round(Math.max(9, quality * frac * (0.8 + 0.2 * rng())));
  return {
    agent_steps: steps,
    approx_kl: round(0.002 + 0.02 * rng()),
    clipfrac: round(0.05 + 0.2 * rng()),
    elapsed_s: round(p * 5 + rng()),
    entropy: round(0.69 - 0.3 * frac * rng()),
    episode_length: meanReward,
    episodes: 8 + Math.floor(rng() * 40),
    epoch: Math.max(1, Math.round(frac * 40)),
    learning_rate: round(lr * (1 - frac)),
    mean_reward: meanReward,
    policy_loss: round(-0.02 + 0.04 * rng()),
    sps: 3_000 + Math.floor(rng() * 2_000),
    success_rate: round(Math.max(0, Math.min(1, (meanReward - 400) / 100))),
    total_timesteps: total,
    value_loss: round(50 * rng() * (1 - frac) + 1),
  };
}

function launchFailure(runId: string, attempt: number, mode: Mode, durationMs: number, logPath: string, rng: () => number): DataOf<'RunFailed'> {
  const u = rng();
  if (u < 0.6) return { runId, attempt, reason: 'crashed', exitCode: 1, signal: null, durationMs, message: `trainer exited with code 1; see ${logPath}` };
  if (u < 0.85)
    return {
      runId,
      attempt,
      reason: 'hung',
      exitCode: null,
      signal: 'SIGKILL',
      durationMs,
      message: `no output for ${TIMEOUTS[mode].noOutput}s; the trainer's process group was terminated`,
    };
  return {
    runId,
    attempt,
    reason: 'timeout',
    exitCode: null,
    signal: 'SIGTERM',
    durationMs,
    message: `wall-clock limit of ${TIMEOUTS[mode].wall}s reached; the trainer's process group was terminated`,
  };
}

type SessionCheck = { snapshot: SnapshotFrom<LoopMachine>; last: DataOf<'StateEntered'> | null; pending: boolean };

/**
 * Folds each session (events fed in log order) through the loop machine's pure `transition` and
 * checks the recorded `StateEntered` events against it: each one continues from where the previous
 * one of its session went, after the last of a burst the machine is in the state it names, and a
 * session ends (completed or halted) where and as the machine does.
 */
export class MachineCheck {
  readonly problems: string[] = [];
  readonly #sessions = new Map<string, SessionCheck>();

  constructor(private readonly machine: LoopMachine = loopMachine) {}

  /** Folds one event. */
  feed(event: AutopilotEvent): void {
    const session = event.metadata.session;
    let s = this.#sessions.get(session);
    if (!s) {
      s = { snapshot: initialTransition(this.machine)[0], last: null, pending: false };
      this.#sessions.set(session, s);
    }
    if (event.type === 'StateEntered') {
      if (s.last && event.data.from !== s.last.to) this.problems.push(`session ${session}: StateEntered from ${String(event.data.from)} after entering ${s.last.to}`);
      s.last = event.data;
      s.pending = true;
      return;
    }
    this.#settle(session, s);
    [s.snapshot] = transition(this.machine, s.snapshot, event);
    const { value, context } = s.snapshot;
    if (event.type === 'LoopCompleted') {
      if (value !== 'done') this.problems.push(`session ${session}: completed in ${String(value)}`);
      if (context.runsCompleted !== event.data.runsCompleted)
        this.problems.push(`session ${session}: LoopCompleted says ${event.data.runsCompleted} runs, the machine ${context.runsCompleted}`);
    }
    if (event.type === 'LoopHalted') {
      if (value !== 'halted') this.problems.push(`session ${session}: halted in ${String(value)}`);
      if (context.haltReason !== event.data.reason) this.problems.push(`session ${session}: LoopHalted says "${event.data.reason}", the machine "${String(context.haltReason)}"`);
    }
  }

  /** Checks the sessions' last bursts and that every session ended; returns all problems found. */
  finish(): string[] {
    for (const [session, s] of this.#sessions) {
      this.#settle(session, s);
      if (s.snapshot.status !== 'done') this.problems.push(`session ${session}: the machine ended ${s.snapshot.status} in ${String(s.snapshot.value)}`);
    }
    return this.problems;
  }

  /** Sessions seen. */
  get sessions(): number {
    return this.#sessions.size;
  }

  #settle(session: string, s: SessionCheck): void {
    if (s.pending && s.last && String(s.snapshot.value) !== s.last.to)
      this.problems.push(`session ${session}: StateEntered says ${s.last.to} but the machine is in ${String(s.snapshot.value)}`);
    s.pending = false;
  }
}

/** {@link MachineCheck} over a whole history; returns the problems found (empty when it agrees with the machine). */
export function checkAgainstMachine(events: Iterable<AutopilotEvent>, machine: LoopMachine = loopMachine): string[] {
  const check = new MachineCheck(machine);
  for (const e of events) check.feed(e);
  return check.finish();
}

/**
 * Appends `events` in order, each contiguous same-stream slice as one `append` with its expected
 * version from `versions` (updated). Wrap it in a transaction to make the whole batch one commit.
 */
export function appendInStreams(store: EventStore<AutopilotEvent>, events: readonly AutopilotEvent[], versions: Map<string, number>): void {
  let i = 0;
  while (i < events.length) {
    const stream = streamOf(events[i]!);
    let j = i + 1;
    while (j < events.length && streamOf(events[j]!) === stream) j++;
    const r = store.append(stream, events.slice(i, j), { expectedVersion: versions.get(stream) ?? 'no_stream' });
    versions.set(stream, r.nextExpectedVersion);
    i = j;
  }
}
