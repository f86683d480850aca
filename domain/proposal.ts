/**
 * A proposer's answer (`proposals/next_config.json` or the `propose` tool):
 * `{overrides, rationale, hypothesis}`. Only the envelope is checked here;
 * the overrides themselves are checked by `validateOverrides`.
 */
import { describeKind } from './format.js';
import { isPlainObject } from './path.js';
import { ROOT_KEYS, validationError, type ValidationError } from './validation-error.js';

/** A proposal: overrides (nested or dotted, unchecked) plus why and what is expected. */
export type Proposal = { overrides: Record<string, unknown>; rationale: string; hypothesis: string };

/** Outcome of {@link parseProposal} and {@link parseProposalText}. */
export type ProposalResult = { ok: true; proposal: Proposal } | { ok: false; errors: ValidationError[] };

/** Largest proposal text accepted, in UTF-8 bytes (256 KiB). */
export const MAX_PROPOSAL_BYTES = 256 * 1024;

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
 * Parses proposal JSON text, then checks it like {@link parseProposal}.
 * A leading byte-order mark is ignored; text over {@link MAX_PROPOSAL_BYTES}
 * and invalid JSON are `shape` errors.
 */
export function parseProposalText(text: string): ProposalResult {
  const bytes = utf8Length(text);
  if (bytes > MAX_PROPOSAL_BYTES) {
    const summary = `${bytes} bytes of text`;
    return {
      ok: false,
      errors: [validationError(ROOT_KEYS.proposal, summary, 'shape', 'is too large', `at most ${MAX_PROPOSAL_BYTES} bytes (256 KiB)`)],
    };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'unparseable';
    return { ok: false, errors: [validationError(ROOT_KEYS.proposal, excerpt(text), 'shape', `is not valid JSON (${reason})`, ENVELOPE)] };
  }
  return parseProposal(raw);
}

/** The start of a long text, kept in errors instead of the whole text. */
function excerpt(text: string): string {
  return text.length <= 1000 ? text : `${text.slice(0, 1000)}…`;
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
  for (const [key, value] of [['rationale', rationale], ['hypothesis', hypothesis]] as const) {
    if (typeof value !== 'string') errors.push(validationError(key, value, 'shape', wrongKind(value, 'a string'), 'a non-empty string'));
    else if (value.trim().length === 0) errors.push(validationError(key, value, 'shape', 'is empty', 'a non-empty string'));
  }
  if (errors.length > 0 || !isPlainObject(overrides) || typeof rationale !== 'string' || typeof hypothesis !== 'string') {
    return { ok: false, errors };
  }
  return { ok: true, proposal: { overrides, rationale, hypothesis } };
}

function wrongKind(value: unknown, wanted: string): string {
  return value === undefined ? 'is missing' : `is ${describeKind(value)}, not ${wanted}`;
}

function ownField(raw: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(raw, key) ? raw[key] : undefined;
}

/** UTF-8 byte length without TextEncoder (lone surrogates count as 3 bytes, as when encoded with U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
