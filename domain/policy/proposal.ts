/**
 * A proposer's answer (`proposals/next_config.json` or the `propose` tool):
 * `{overrides, rationale, hypothesis}`. Only the envelope is checked here;
 * the overrides themselves are checked by `validateOverrides`.
 */
import { describeKind } from '../text/format.js';
import { isPlainObject } from '../config/path.js';
import { MAX_JSON_BYTES, parseStrictJson } from '../text/strict-json.js';
import { ROOT_KEYS, validationError, type ValidationError } from './validation-error.js';

/** UTF-8 byte length of a text (moved to the strict parser; re-exported for existing callers). */
export { utf8Length } from '../text/strict-json.js';

/** A proposal: overrides (nested or dotted, unchecked) plus why and what is expected. */
export type Proposal = { overrides: Record<string, unknown>; rationale: string; hypothesis: string };

/** Outcome of {@link parseProposal} and {@link parseProposalText}. */
export type ProposalResult =
  | { ok: true; proposal: Proposal }
  /** `overrides`: present when only the envelope was wrong (a missing rationale, say), so the overrides can still be checked and every error reported at once. */
  | { ok: false; errors: ValidationError[]; overrides?: Record<string, unknown> };

/** Largest proposal text accepted, in UTF-8 bytes (256 KiB). */
export const MAX_PROPOSAL_BYTES = MAX_JSON_BYTES;

const FIELDS = ['overrides', 'rationale', 'hypothesis'] as const;
const ENVELOPE = 'an object {"overrides": {...}, "rationale": "...", "hypothesis": "..."}';

/**
 * Checks the envelope of a proposal: a plain object with exactly the fields
 * `overrides` (a plain object), `rationale` and `hypothesis` (non-empty
 * strings). Every problem is reported with rule `shape`; never throws.
 */
export function parseProposal(raw: unknown): ProposalResult {
  try {
    return parseEnvelope(raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'unreadable';
    return { ok: false, errors: [validationError(ROOT_KEYS.proposal, undefined, 'shape', `could not be read (${reason})`, ENVELOPE)] };
  }
}

/**
 * Parses proposal JSON text strictly (see {@link parseStrictJson}), then checks it
 * like {@link parseProposal}, collecting every problem of both. A leading
 * byte-order mark is ignored. Problems inside `overrides` keep their precise rule
 * (`duplicate_key`, `too_deep`, `non_finite`, `forbidden_key`) and are keyed
 * relative to `overrides` (`train.learning_rate`); problems of the envelope itself
 * (the text as a whole: too large, not JSON, not an object; or one of its top-level
 * fields) are `shape` errors, as {@link parseProposal} reports them.
 */
export function parseProposalText(text: string): ProposalResult {
  const parsed = parseStrictJson(text.startsWith('\uFEFF') ? text.slice(1) : text, {
    rootKey: ROOT_KEYS.proposal,
    scope: 'overrides',
    maxBytes: MAX_PROPOSAL_BYTES,
  });
  if (parsed.ok) return parseProposal(parsed.value);
  const errors = parsed.problems.map(({ path, error }) => (path.length <= 1 ? { ...error, rule: 'shape' } : error));
  if (parsed.value !== undefined) {
    const envelope = parseProposal(parsed.value);
    if (!envelope.ok) errors.push(...envelope.errors);
  }
  return { ok: false, errors };
}

function parseEnvelope(raw: unknown): ProposalResult {
  if (!isPlainObject(raw)) {
    return { ok: false, errors: [validationError(ROOT_KEYS.proposal, raw, 'shape', `is ${describeKind(raw)}, not an object`, ENVELOPE)] };
  }
  const errors: ValidationError[] = [];
  for (const key of Object.keys(raw)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      errors.push(validationError(key, raw[key], 'shape', 'is not a proposal field', `only the fields ${FIELDS.join(', ')}`));
    }
  }
  const overrides = ownField(raw, 'overrides');
  if (!isPlainObject(overrides)) {
    errors.push(validationError('overrides', overrides, 'shape', wrongKind(overrides, 'an object'), 'an object of config keys (nested or dotted)'));
  }
  const rationale = ownField(raw, 'rationale');
  const hypothesis = ownField(raw, 'hypothesis');
  for (const [key, value] of [
    ['rationale', rationale],
    ['hypothesis', hypothesis],
  ] as const) {
    if (typeof value !== 'string') errors.push(validationError(key, value, 'shape', wrongKind(value, 'a string'), 'a non-empty string'));
    else if (value.trim().length === 0) errors.push(validationError(key, value, 'shape', 'is empty', 'a non-empty string'));
  }
  if (errors.length > 0 || !isPlainObject(overrides) || typeof rationale !== 'string' || typeof hypothesis !== 'string') {
    return { ok: false, errors, ...(isPlainObject(overrides) ? { overrides } : {}) };
  }
  return { ok: true, proposal: { overrides, rationale, hypothesis } };
}

function wrongKind(value: unknown, wanted: string): string {
  return value === undefined ? 'is missing' : `is ${describeKind(value)}, not ${wanted}`;
}

function ownField(raw: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(raw, key) ? raw[key] : undefined;
}
