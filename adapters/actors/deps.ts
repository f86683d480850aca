/** What the loop's actors share: the workspace, its settings and policy, the history, the clock. */
import type { Containment, DataOf, EventOf, AutopilotEventType } from '../../events/catalogue.js';
import type { Policy } from '../../domain/policy/policy.js';
import type { Settings } from '../../domain/config/settings.js';
import type { WorkspacePaths } from '../workspace.js';
import type { WorkspaceView } from '../../projections/view.js';
import type { Recorder } from '../recorder.js';
import type { OwnWrites } from '../own-writes.js';
import type { Mode } from '../../domain/config/mode.js';

/** The options of one `autopilot loop` invocation. */
export interface LoopOptions {
  runs: number;
  mode: Mode;
  proposer: string;
  /** `--seed`: the root seed of a new session's built-in and random proposals (default: proposer.seed, the log's, or drawn). */
  seed?: number;
  /** What a new session records of the runs it keeps in flight and their GPUs (absent: one at a time, on no GPU). */
  parallel?: DataOf<'LoopStarted'>['parallel'];
}

/** An interrupted agent attempt stopped on resume, and whether it was still running then. */
export interface StoppedAgent {
  runId: string;
  attempt: number;
  pid: number;
  proposer: DataOf<'ProposerStarted'>['proposer'];
  /** When it was recorded as started (ISO time). */
  startedAt: string;
  alive: boolean;
}

/** Dependencies of the loop's actors. */
export interface LoopDeps {
  paths: WorkspacePaths;
  settings: Settings;
  policy: Policy;
  options: LoopOptions;
  /** The session a fresh loop starts (resumed loops already have one). */
  newSession: string;
  /** The fold of the log so far. */
  history: () => WorkspaceView;
  now: () => Date;
  /** How launches are contained on this machine (resolved from the setting before the session starts). */
  containment: Containment['mode'];
  /** The interrupted agent attempt the resuming loop already stopped, before it checked the inputs (see run-loop.ts). */
  stoppedAgent?: StoppedAgent | null;
  /** What the orchestrator itself last wrote at each path, for an agent step beside runs in flight to tell from its own changes. */
  ownWrites?: OwnWrites;
  /** Live display of running trainers' metric lines (not recorded). */
  onMetrics?: (runId: string, metrics: Record<string, number>) => void;
  /** Live display of what is not a decision and is not recorded (a cluster job waiting in the queue, then running). */
  onNote?: (runId: string, text: string) => void;
}

/** What the loop's actors get: the shared dependencies and the recorder every event they report goes through. */
export interface ActorDeps extends LoopDeps {
  recorder: Recorder;
}

/** Builds a catalogue event stamped with its session and the current time. */
export function makeEvent<T extends AutopilotEventType>(type: T, data: DataOf<T>, session: string, now: Date = new Date()): EventOf<T> {
  return { type, data, metadata: { session, at: now.toISOString() } } as EventOf<T>;
}
