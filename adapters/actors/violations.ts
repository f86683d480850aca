/** Unsafe entries the loop met on its own paths, as GuardrailViolation events. */
import type { DataOf, EventOf } from '../../events/catalogue.js';
import { describeKind } from '../fs/entry.js';
import type { UnsafeEntry } from '../fs/confined.js';
import { makeEvent } from './deps.js';

type ViolationPath = DataOf<'GuardrailViolation'>['paths'][number];

/** An unsafe entry as a violation's path: what it was, where a link pointed, what was done. */
export function unsafePath(u: UnsafeEntry, what = 'where the loop reads or writes'): ViolationPath {
  return {
    path: u.path,
    change: 'modified',
    restored: u.action === 'removed',
    kind: u.kind,
    ...(u.target !== undefined ? { target: u.target } : {}),
    note: u.note ?? `${describeKind(u.kind)} ${what}; ${u.action === 'removed' ? 'removed' : 'ignored'}, never followed`,
  };
}

/** A GuardrailViolation for unsafe entries met during a run's step (null when there are none). */
export function unsafeViolation(
  session: string,
  at: Date,
  source: NonNullable<DataOf<'GuardrailViolation'>['source']>,
  unsafe: UnsafeEntry[],
  run: { runId?: string; attempt?: number; proposer?: string } = {},
  what?: string,
): EventOf<'GuardrailViolation'> | null {
  if (unsafe.length === 0) return null;
  return makeEvent(
    'GuardrailViolation',
    {
      ...(run.runId !== undefined ? { runId: run.runId } : {}),
      ...(run.attempt !== undefined ? { attempt: run.attempt } : {}),
      ...(run.proposer !== undefined ? { proposer: run.proposer } : {}),
      source,
      paths: unsafe.map((u) => unsafePath(u, what)),
      action: unsafe.every((u) => u.action === 'removed') ? 'reverted' : 'detected',
    },
    session,
    at,
  );
}
