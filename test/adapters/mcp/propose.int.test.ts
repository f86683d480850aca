/** The `propose` check on a real workspace (no server): the limits the loop applies to the file apply to the tool. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkProposal, propose, proposalFileText } from '../../../adapters/mcp/tools/propose.js';
import { McpWorkspace } from '../../../adapters/mcp/workspace.js';
import { parseProposalText } from '../../../domain/policy/proposal.js';
import { removeWorkspace } from '../../support/chaos.js';
import { copyShippedWorkspace } from '../../support/workspace.js';

const ws = copyShippedWorkspace();
afterAll(() => removeWorkspace(ws));
const why = { rationale: 'r', hypothesis: 'h' };

describe('when the proposal breaks a limit of the proposal file', () => {
  it.each([
    ['a 300 KiB rationale', { overrides: {}, rationale: 'x'.repeat(300 * 1024), hypothesis: 'h' }, 'proposal', 'shape'],
    ['overrides nested 9 deep', { overrides: { train: { a: { b: { c: { d: { e: { f: {} } } } } } } }, ...why }, 'train.a.b.c.d.e.f', 'too_deep'],
    ['a __proto__ key in the overrides', JSON.parse('{"overrides": {"train": {"__proto__": {"x": 1}}}, "rationale": "r", "hypothesis": "h"}'), 'train.__proto__', 'forbidden_key'],
    ['a rationale that is a number', { overrides: {}, rationale: 3, hypothesis: 'h' }, 'rationale', 'shape'],
    ['a uniform_pow2 value that is not a power of two', { overrides: { 'train.batch_size': 1000 }, ...why }, 'train.batch_size', 'power_of_two'],
    ['a file to resume from that no run recorded', { overrides: { 'autopilot.resume_from': 'policy.json' }, ...why }, 'autopilot.resume_from', 'resume'],
  ])('rejects %s, naming the key and the rule', (_name, args, key, rule) => {
    const outcome = checkProposal(new McpWorkspace(ws), args as Record<string, unknown>);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.errors).toContainEqual(expect.objectContaining({ key, rule }));
  });
});

describe('when a proposal has more errors than limits.max_problems', () => {
  it('hands back the first ones and counts the rest', () => {
    const overrides = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`u${i}`, 0]));
    const result = propose({ ws: new McpWorkspace(ws), audit: null, runId: '002' }, { overrides, ...why });
    expect(result.isError).toBe(true);
    const body = JSON.parse((result.content[0] as { text: string }).text) as { message: string; errors: unknown[]; errors_omitted: number };
    expect(body.errors).toHaveLength(100);
    expect(body.errors_omitted).toBe(200);
    expect(body.message).toMatch(/^proposal rejected \(300 errors, the first 100 listed\)/);
  });
});

describe('when the mode is pinned', () => {
  it("validates against that mode's baseline, and the file it would write parses back to the same proposal", () => {
    const full = JSON.parse(readFileSync(join(ws, 'configs', 'baseline_full.json'), 'utf8')) as { train: { update_epochs: number } };
    const epochs = full.train.update_epochs === 4 ? 5 : 4;
    const args = { overrides: { 'train.update_epochs': epochs }, ...why };
    const outcome = checkProposal(new McpWorkspace(ws, 'full'), args);
    expect(outcome).toMatchObject({ ok: true, base: 'the full baseline (no incumbent yet)' });
    if (!outcome.ok) return;
    expect(outcome.diff).toEqual([{ key: 'train.update_epochs', from: full.train.update_epochs, to: epochs }]);
    expect(parseProposalText(proposalFileText(outcome.proposal))).toEqual({ ok: true, proposal: args });
  });
});
