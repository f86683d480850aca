/**
 * Which loop machine a session runs: the one-run machine for k = 1 (as every session before
 * parallel runs), the machine with k slots otherwise, as its `LoopStarted` recorded k.
 */
import type { AutopilotEvent } from '../events/catalogue.js';
import { loopMachine, type LoopMachine } from './loop.machine.js';
import { parallelLoopMachine } from './parallel.machine.js';

const built = new Map<number, LoopMachine>();

/**
 * The loop machine for `k` runs in flight. Typed as the one-run machine: both take the same
 * events, actors and context fields, and differ in their state value (a slotted loop's is an
 * object of regions), which callers read through {@link stateName}.
 */
export function machineFor(k: number): LoopMachine {
  if (k <= 1) return loopMachine;
  let m = built.get(k);
  if (!m) built.set(k, (m = parallelLoopMachine(k) as unknown as LoopMachine));
  return m;
}

/** The runs in flight a session's LoopStarted recorded (1 when it recorded none). */
export function parallelOf(started: AutopilotEvent | undefined): number {
  return started?.type === 'LoopStarted' ? (started.data.parallel?.k ?? 1) : 1;
}

export { enteredStateName, stateName } from './state-name.js';
