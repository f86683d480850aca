/**
 * The labbook's entries as the view's fold keeps them: the event that made each line, with the
 * facts from earlier in the log the line needs. The sentences are made by `labbook-text.ts`.
 */
import type { AutopilotEventType, DataOf } from '../events/catalogue.js';

/** One labbook line, kept as its fields. */
export interface LabbookLine {
  at: string;
  action: string;
  observation: string;
  outcome: string;
  next: string;
}

/** An entry made by one event: its type, its time and its data, plus the facts `X`. */
type EntryOf<T extends AutopilotEventType, X = object> = { type: T; at: string; data: DataOf<T> } & X;

/** How the exhausted proposer's last attempts ended, when the built-in optimizer stands in for it. */
export interface FallbackFacts {
  /** The proposer that fell back. */
  from: string;
  /** Its last failed attempt, if any. */
  failure: { attempt: number; message: string; reason?: string } | null;
  /** Its last rejected proposal, if any. */
  rejected: { attempt: number; errors: DataOf<'ProposalRejected'>['errors']; omitted: number } | null;
}

/** One entry of the labbook, in log order. */
export type LabbookEntry =
  | EntryOf<'LoopStarted'>
  | EntryOf<'LockTakenOver'>
  | EntryOf<'LoopResumed', { runsRequested: number | null }>
  | EntryOf<'ProposalRequested', { fallback: FallbackFacts }>
  | EntryOf<'ProposalFailed'>
  | EntryOf<'ProposalRejected'>
  | EntryOf<'RunReattached'>
  | EntryOf<'RunRequeued'>
  | EntryOf<'LauncherCommandFailed'>
  | EntryOf<'JournalWritten'>
  | EntryOf<'CheckpointsPruned'>
  | EntryOf<'GuardrailViolation'>
  | EntryOf<'ProposerStopped'>
  | EntryOf<'InputsAccepted'>
  | EntryOf<'RolledBack'>
  | EntryOf<'StopRequested'>
  | EntryOf<'LoopHalted', { session: string }>
  | EntryOf<'LoopCompleted', { session: string }>;
