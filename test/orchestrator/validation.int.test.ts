import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromCallback, type EventObject } from 'xstate';
import { makeEvent, type ActorDeps } from '../../adapters/actors/deps.js';
import { reporter } from '../../adapters/recorder.js';
import { toRecordable } from '../../domain/policy/recordable.js';
import type { ProposeInput } from '../../machines/loop.machine.js';
import { catalogueCodec } from '../../events/catalogue.js';
import { openSqliteStore } from '../../adapters/store/sqlite-store.js';
import { runLoop } from '../../orchestrator/run-loop.js';
import { fakeTrainerCalls, fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';

const hostile: { name: string; overrides: unknown; key: string }[] = [
  { name: 'an unknown key', overrides: { train: { bogus_rate: 1 } }, key: 'train.bogus_rate' },
  { name: 'an out-of-range value', overrides: { train: { learning_rate: 5 } }, key: 'train.learning_rate' },
  { name: 'a string for a number', overrides: { train: { learning_rate: '0.001' } }, key: 'train.learning_rate' },
  { name: 'NaN', overrides: { train: { learning_rate: Number.NaN } }, key: 'train.learning_rate' },
  { name: 'a __proto__ key', overrides: JSON.parse('{"__proto__": {"polluted": true}}'), key: '__proto__' },
  { name: 'a uniform_pow2 value that is not a power of two', overrides: { train: { batch_size: 1000 } }, key: 'train.batch_size' },
  // logs/001.log exists (the baseline's output), but it is no checkpoint a run recorded.
  { name: 'a file to resume from that is not a checkpoint', overrides: { autopilot: { resume_mode: 'continue', resume_from: 'logs/001.log' } }, key: 'autopilot.resume_from' },
];

/** A proposer that answers each attempt with the next hostile proposal. */
function scriptedProposer(deps: ActorDeps) {
  return fromCallback<EventObject, ProposeInput>(({ input, self }) => {
    const sendBack = reporter(deps.recorder, self);
    const runId = input.run?.runId ?? String(input.nextRunIndex).padStart(3, '0');
    if (!input.run) sendBack(makeEvent('RunPlanned', { runId, index: input.nextRunIndex, kind: 'proposal', mode: input.mode }, input.session));
    const attempt = (input.run?.proposalAttempt ?? 0) + 1;
    sendBack(makeEvent('ProposalRequested', { runId, attempt, proposer: 'scripted', previousErrors: input.run?.errors ?? [] }, input.session));
    const h = hostile[attempt - 1]!;
    sendBack(
      makeEvent('ProposalReceived', { runId, attempt, proposer: 'scripted', seed: null, overrides: toRecordable(h.overrides), rationale: h.name, hypothesis: 'rejected' }, input.session),
    );
  });
}

describe('when the proposer sends hostile proposals', () => {
  it('never launches them, records each rejection naming the key, and halts after the bounded retries', async () => {
    const ws = fakeTrainerWorkspace();
    patchSettings(ws, { proposer: { max_attempts: hostile.length } });
    const lines: string[] = [];
    const code = await runLoop({
      workspace: ws,
      runs: 2,
      out: { write: (l: string) => lines.push(l) },
      err: { write: (l: string) => lines.push(l) },
      actors: (deps) => ({ propose: scriptedProposer(deps) }),
    });

    expect(code, lines.join('\n')).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Only the baseline reached the trainer.
    const calls = fakeTrainerCalls(ws);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.env.PUFFER_AUTOPILOT_RUN_ID).toBe('001');

    const store = openSqliteStore(join(ws, 'events.db'), catalogueCodec, { readonly: true });
    const events = [...store.readAll()].map((s) => s.event);
    store.close();
    const rejections = events.filter((e) => e.type === 'ProposalRejected');
    expect(rejections, lines.join('\n')).toHaveLength(hostile.length);
    rejections.forEach((r, i) => {
      if (r.type !== 'ProposalRejected') throw new Error('unreachable');
      expect(r.data.errors.map((e) => e.key)).toContain(hostile[i]!.key);
      expect(r.data.errors.some((e) => e.message.includes(hostile[i]!.key))).toBe(true);
    });
    const [pow2, resume] = rejections.slice(-2).map((r) => (r.type === 'ProposalRejected' ? r.data.errors[0] : undefined));
    expect(pow2).toMatchObject({ rule: 'power_of_two', value: 1000, expected: 'a power of two in [512, 4096]: 512, 1024, 2048, 4096' });
    expect(resume).toMatchObject({ rule: 'resume', value: 'logs/001.log', message: expect.stringContaining('is not a checkpoint the log knows') });
    expect(resume?.expected).toMatch(/^latest or best .*no run has recorded a checkpoint yet$/);
    expect(events.some((e) => e.type === 'ProposalAccepted' && e.data.runId === '002')).toBe(false);
    const halted = events.find((e) => e.type === 'LoopHalted');
    expect(halted?.type === 'LoopHalted' && halted.data.reason).toMatch(/no valid proposal after 7 attempt/);
    expect(readFileSync(join(ws, 'journal/labbook.md'), 'utf8')).toMatch(/\| rejected \|/);
  });
});
