/** The error shape shared by proposal parsing, override validation and derived rules. */
import { formatKey, formatValue } from '../text/format.js';

/**
 * One problem with a proposal. `rule` is one of `unknown_key`, `type`,
 * `range`, `choices`, `non_finite`, `forbidden_key`, `shape`, or the name of
 * the derived rule that failed (`multiple_of`, `equal`, `lte`, `gte`, `product`).
 * `message` always names the key, the value and what is allowed.
 */
export type ValidationError = { key: string; value: unknown; expected: string; rule: string; message: string };

/** The key used for problems with the proposal or overrides object as a whole. */
export const ROOT_KEYS = { proposal: 'proposal', overrides: 'overrides' } as const;

/**
 * Builds an error whose message reads `<key> = <value> <problem>: allowed <expected>`.
 */
export function validationError(key: string, value: unknown, rule: string, problem: string, expected: string): ValidationError {
  return { key, value, expected, rule, message: `${formatKey(key)} = ${formatValue(value)} ${problem}: allowed ${expected}` };
}
