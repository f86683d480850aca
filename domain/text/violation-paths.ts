/**
 * How many of a guardrail violation's paths a human output names. An agent that creates 500 files
 * must not turn one console line, labbook line or audit step into pages: the first few are named,
 * the rest counted. The event keeps every path.
 */
import { capProblems } from '../policy/problems.js';

/** Paths of one violation named in a human output. */
export const SHOWN_PATHS = 20;

/** The first `max` of `paths` as `show` writes them, then `… and M more[ noun]` when some were left out. */
export function shownPaths<T>(paths: readonly T[], show: (p: T) => string, noun = '', max = SHOWN_PATHS): string[] {
  const { errors: kept, omitted } = capProblems(paths, max);
  return omitted > 0 ? [...kept.map(show), `… and ${omitted} more${noun ? ` ${noun}` : ''}`] : kept.map(show);
}
