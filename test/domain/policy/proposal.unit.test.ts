import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatKey } from '../../../domain/text/format.js';
import { MAX_PROPOSAL_BYTES, parseProposal, parseProposalText, utf8Length } from '../../../domain/policy/proposal.js';
import { prototypeIsClean } from '../fixtures.js';

const valid = { overrides: { 'train.learning_rate': 0.001 }, rationale: 'lower lr', hypothesis: 'less noise' };

describe('when the proposal is well formed', () => {
  it('returns it', () => {
    expect(parseProposal(valid)).toEqual({ ok: true, proposal: valid });
    expect(parseProposalText(JSON.stringify(valid))).toEqual({ ok: true, proposal: valid });
  });

  it('leaves the overrides unchecked (validateOverrides does that)', () => {
    expect(parseProposal({ ...valid, overrides: { anything: [1] } }).ok).toBe(true);
  });

  it('ignores a leading byte-order mark', () => {
    expect(parseProposalText(`\uFEFF${JSON.stringify(valid)}`).ok).toBe(true);
  });
});

describe('when the proposal is malformed', () => {
  it.each([null, [], 'text', 3, undefined])('rejects a root that is not an object (%s)', (raw) => {
    expect(parseProposal(raw)).toEqual({ ok: false, errors: [expect.objectContaining({ key: 'proposal', rule: 'shape' })] });
  });

  it('reports every field problem at once', () => {
    const result = parseProposal({ overrides: [], rationale: '  ', extra: 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.key, e.rule])).toEqual([
      ['extra', 'shape'],
      ['overrides', 'shape'],
      ['rationale', 'shape'],
      ['hypothesis', 'shape'],
    ]);
    expect(result.errors.map((e) => e.message)).toEqual([
      'extra = 1 is not a proposal field: allowed only the fields overrides, rationale, hypothesis',
      'overrides = [] is an array, not an object: allowed an object of config keys (nested or dotted)',
      'rationale = "  " is empty: allowed a non-empty string',
      'hypothesis = undefined is missing: allowed a non-empty string',
    ]);
  });

  it('rejects a missing or null overrides object', () => {
    const result = parseProposal({ rationale: 'r', hypothesis: 'h', overrides: null });
    expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ key: 'overrides', rule: 'shape' })] });
  });

  it('rejects invalid JSON as a shape error', () => {
    const result = parseProposalText('{"overrides": {');
    expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ key: 'proposal', rule: 'shape' })] });
    if (!result.ok) expect(result.errors[0]?.message).toMatch(/^proposal = .* is not valid JSON/);
  });

  it('rejects text over 256 KiB before parsing it', () => {
    const big = JSON.stringify({ ...valid, rationale: 'x'.repeat(MAX_PROPOSAL_BYTES) });
    expect(parseProposalText(big)).toEqual({ ok: false, errors: [expect.objectContaining({ key: 'proposal', rule: 'shape' })] });
    const multibyte = JSON.stringify({ ...valid, rationale: 'é'.repeat(MAX_PROPOSAL_BYTES / 2) });
    expect(multibyte.length).toBeLessThan(MAX_PROPOSAL_BYTES);
    expect(parseProposalText(multibyte).ok).toBe(false);
  });

  it('rejects a root __proto__ without polluting Object.prototype', () => {
    const result = parseProposalText('{"__proto__":{"polluted":1},"overrides":{},"rationale":"r","hypothesis":"h"}');
    expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ key: '__proto__', rule: 'shape' })] });
    expect(prototypeIsClean()).toBe(true);
  });

  it('never throws and names a key in every error (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.anything().map((v) => JSON.stringify(v) ?? ''),
        ),
        (text) => {
          const result = parseProposalText(text);
          if (!result.ok) for (const e of result.errors) if (!e.message.startsWith(`${formatKey(e.key)} = `)) return false;
          return true;
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('when measuring text', () => {
  it('counts UTF-8 bytes', () => {
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('€')).toBe(3);
    expect(utf8Length('😀')).toBe(4);
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => utf8Length(s) === Buffer.byteLength(s, 'utf8')));
  });
});
