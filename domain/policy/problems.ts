/**
 * Bounding what one proposal's problems cost: the list kept (`limits.max_problems`) with a count
 * of the rest, and the short summaries a console line, a labbook line or a halt reason carry.
 */
import { formatKey } from '../text/format.js';
import type { ValidationError } from './validation-error.js';

/** The problems kept and how many were left out. */
export interface CappedProblems<T> {
  errors: T[];
  /** Problems beyond the cap (0 when all are kept). */
  omitted: number;
}

/**
 * The first `max` of `errors`, and how many were left out (plus `alreadyOmitted`, problems an
 * earlier step had counted but not kept).
 */
export function capProblems<T>(errors: readonly T[], max: number, alreadyOmitted = 0): CappedProblems<T> {
  const kept = errors.length <= max ? [...errors] : errors.slice(0, max);
  return { errors: kept, omitted: errors.length - kept.length + alreadyOmitted };
}

/** Messages quoted in full when a proposal has at most this many problems. */
const FULL_MESSAGES = 3;
/** Keys named when it has more. */
const LISTED_KEYS = 5;
/** Longest message quoted. */
const MAX_MESSAGE_CHARS = 300;
/** Longest key named. */
const MAX_KEY_CHARS = 60;

/** `text` cut to `max` characters, an ellipsis marking the cut. */
export function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * A one-line summary of a proposal's problems, bounded whatever their number: up to three
 * messages in full (each clipped), otherwise the first five keys with their rule and
 * `… and N more (T in all)`, where the count includes the `omitted` problems not kept.
 */
export function summarizeProblems(errors: readonly ValidationError[], omitted = 0): string {
  const total = errors.length + omitted;
  if (total <= FULL_MESSAGES) return errors.map((e) => clipText(e.message, MAX_MESSAGE_CHARS)).join('; ');
  const listed = errors.slice(0, LISTED_KEYS).map((e) => `${clipText(formatKey(e.key), MAX_KEY_CHARS)} (${e.rule})`);
  return `${listed.join(', ')} … and ${total - listed.length} more (${total} in all)`;
}
