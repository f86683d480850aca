/** Words for a TPE proposal: what it is near, what it changes, and the numbers behind the choice. */
import type { Scalar } from '../../config/config.js';
import { formatValue } from '../../text/format.js';
import type { CategoricalDim, NumericDim } from './space.js';
import { staleRounds, type Schedule, type StepKind } from './explore.js';

/** Changes listed by name in a rationale; the rest are counted. */
const LISTED_CHANGES = 3;
/** A numeric change smaller than this share of the key's range (in its search scale) counts as small. */
const SMALL_CHANGE = 0.02;

/**
 * The shortest dotted suffix that names each key uniquely (`learning_rate`,
 * but `env.num_envs` and `vec.num_envs` when both exist).
 */
export function shortNames(keys: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const key of keys) {
    const segments = key.split('.');
    let name = key;
    for (let take = 1; take <= segments.length; take++) {
      const suffix = segments.slice(-take).join('.');
      if (keys.every((other) => other === key || !(other === suffix || other.endsWith(`.${suffix}`)))) {
        name = suffix;
        break;
      }
    }
    names.set(key, name);
  }
  return names;
}

/**
 * The changes from `from` to `to` over `dims`, largest first (measured in each
 * key's search scale), as `learning_rate x0.7`, `gamma 0.99→0.995` or
 * `optimizer "adam"→"muon"`; the first few are named, the others counted.
 */
export function describeChanges(dims: ReadonlyArray<NumericDim | CategoricalDim>, from: Record<string, Scalar>, to: Record<string, Scalar>, names: Map<string, string>): string {
  const changes: Array<{ size: number; text: string }> = [];
  let small = 0;
  for (const dim of dims) {
    const before = Object.prototype.hasOwnProperty.call(from, dim.key) ? from[dim.key] : undefined;
    const after = to[dim.key];
    if (after === undefined || before === after) continue;
    const name = names.get(dim.key) ?? dim.key;
    if (dim.kind === 'categorical' || typeof before !== 'number' || typeof after !== 'number') {
      changes.push({ size: 0.5, text: `${name} ${before === undefined ? '(unset)' : formatValue(before)}→${formatValue(after)}` });
      continue;
    }
    const size = Math.abs((dim.toUnit(after) ?? 0) - (dim.toUnit(before) ?? 0));
    if (size < SMALL_CHANGE) {
      small++;
      continue;
    }
    const ratio = before !== 0 ? after / before : NaN;
    const text =
      (dim.scale === 'log' || dim.scale === 'int_log') && Number.isFinite(ratio)
        ? `${name} x${formatValue(Number(ratio.toPrecision(2)))}`
        : `${name} ${formatValue(before)}→${formatValue(after)}`;
    changes.push({ size, text });
  }
  changes.sort((a, b) => b.size - a.size);
  const listed = changes.slice(0, LISTED_CHANGES).map((c) => c.text);
  const rest = changes.length - listed.length + small;
  if (listed.length === 0) return rest === 0 ? 'the same values' : `${rest} small change${rest === 1 ? '' : 's'}`;
  return rest === 0 ? listed.join(', ') : `${listed.join(', ')} (+${rest} smaller change${rest === 1 ? '' : 's'})`;
}

/** A score as a short number (4 significant digits). */
export function formatScore(value: number): string {
  return formatValue(Number(value.toPrecision(4)));
}

/** The kind of a model step and why it is that kind, for the rationale. */
export function describeStep(kind: StepKind, step: number, stale: number, schedule: Schedule, inFlight = 0): string {
  const since =
    inFlight > 0 ? roundsSince(stale, inFlight) : stale === 0 ? 'the last model proposal found the best run' : `${stale} model proposal${stale === 1 ? '' : 's'} since the best run`;
  const unit = inFlight > 0 ? ' rounds' : '';
  switch (kind) {
    case 'broad':
      return step < schedule.broadSteps
        ? `a broad step (model proposal ${step + 1} of the first ${schedule.broadSteps}, as Optuna's TPE would)`
        : `a broad step (${since}, patience ${schedule.patience}${unit}; as Optuna's TPE would${schedule.jumpEvery > 0 ? `, every ${ordinal(schedule.jumpEvery)} stalled step a jump` : ''})`;
    case 'exploit':
      return `an exploit step (${since}${schedule.patience > 0 ? `; stalled after ${schedule.patience}${unit}` : ''})`;
    case 'jump':
      return `a jump step (${since}, patience ${schedule.patience}${unit}${schedule.jumpEvery > 1 ? `; every ${ordinal(schedule.jumpEvery)} stalled step, the others broad` : ''})`;
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/** With runs in flight: the finished runs since the best, and the rounds of concurrent proposals they make (tpe/explore.ts staleRounds). */
function roundsSince(stale: number, inFlight: number): string {
  const rounds = staleRounds(stale, inFlight);
  return `${stale} finished run${stale === 1 ? '' : 's'} since the best run = ${rounds} round${rounds === 1 ? '' : 's'} of ${inFlight + 1} concurrent proposals (${inFlight} in flight)`;
}

/** 1st, 2nd, 3rd, 4th … for the schedule's wording. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
