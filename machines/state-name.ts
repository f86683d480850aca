/** A loop's state as one line of text, for the log's readers: what the machines' state values and StateEntered events name. */

/** A state value as one line: `train`, or `running(slot0.train, slot1.propose)` for a slotted loop. */
export function stateName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => (typeof v === 'string' ? `${k}.${v}` : `${k}(${stateName(v)})`))
    .join(', ');
}

/**
 * A session's state name after `StateEntered.to`, from the one before: a slot's state updates that
 * slot in `running(slot0.train, slot1.propose)`; any other state is the name itself. What the
 * workspace's views show of a session, from its StateEntered events alone.
 */
export function enteredStateName(previous: string | null, to: string): string {
  const entered = /^(slot(\d+))\.(.+)$/.exec(to);
  if (!entered) return to;
  const slots = new Map<number, string>();
  const inner = previous?.startsWith('running(') && previous.endsWith(')') ? previous.slice('running('.length, -1) : '';
  for (const part of inner.split(', ')) {
    const m = /^slot(\d+)\.(.+)$/.exec(part);
    if (m) slots.set(Number(m[1]), m[2]!);
  }
  slots.set(Number(entered[2]), entered[3]!);
  return `running(${[...slots.entries()]
    .sort(([a], [b]) => a - b)
    .map(([slot, state]) => `slot${slot}.${state}`)
    .join(', ')})`;
}
