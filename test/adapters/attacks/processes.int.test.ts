/**
 * Attacks through processes: an agent's daemon that leaves its process group and session to act
 * after the workspace was checked, and an agent that widens the policy and kills the loop so that
 * the resumed session accepts what it could not before (and two agents run at once).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processAlive } from '../../../adapters/launcher/process-group.js';
import { agentRecords, eventsOfType, hostileWorkspace, loop } from '../../support/hostile.js';

describe('when the agent starts a setsid, double-forked daemon', () => {
  it('ends the daemon with the agent: the policy, the script and the next run’s summary stay untouched', async () => {
    const { ws, records } = hostileWorkspace({ HOSTILE_AGENT_ACTIONS: 'daemon' });
    const policy = readFileSync(join(ws, 'policy.json'), 'utf8');
    const script = readFileSync(join(ws, 'scripts/run_training.sh'), 'utf8');
    // The fake trainer takes a moment, so a live daemon would have time to forge its summary.
    const r = await loop(ws, ['--runs', '2'], 120_000);
    expect(r.exitCode, r.all).toBe(0);
    const daemon = agentRecords(records).find((e) => typeof e.daemon === 'number')?.daemon as number;
    expect(daemon).toBeGreaterThan(0);
    expect(processAlive(daemon)).toBe(false);
    expect(readFileSync(join(ws, 'policy.json'), 'utf8')).toBe(policy);
    expect(readFileSync(join(ws, 'scripts/run_training.sh'), 'utf8')).toBe(script);
    // Run 002's verdict is its own (the fake trainer scores at most about 505), not the daemon's forged mean of 99999.
    const evaluated = eventsOfType(ws, 'RunEvaluated').find((e) => e.data.runId === '002');
    expect(evaluated?.data.candidate.mean).toBeLessThan(1000);
    expect(eventsOfType(ws, 'GuardrailViolation').filter((e) => e.data.source === 'inputs')).toEqual([]);
    const started = eventsOfType(ws, 'ProposerStarted')[0];
    expect(['cgroup', 'subreaper']).toContain(started?.data.containment.mode);
    expect(eventsOfType(ws, 'RunStarted')[0]?.data.containment?.mode).toBe(started?.data.containment.mode);
  }, 180_000);
});

describe('when the agent widens the policy and kills the loop mid-proposal', () => {
  it('stops the interrupted agent before asking again, puts the policy back, and rejects what only the widened policy allowed', async () => {
    // Every later attempt proposes 42 again, as an agent that believes the widened policy would.
    const proposal = JSON.stringify({ overrides: { train: { learning_rate: 42 } }, rationale: 'the policy allows up to 50', hypothesis: 'faster' });
    const { ws, records } = hostileWorkspace(
      { HOSTILE_AGENT_ACTIONS: '1:create-file,widen-and-kill', HOSTILE_LINGER_MS: '20000', HOSTILE_AGENT_PROPOSAL: proposal },
      { max_attempts: 2, on_exhausted: 'fallback' },
    );
    const policy = readFileSync(join(ws, 'policy.json'), 'utf8');
    const first = await loop(ws, ['--runs', '2'], 60_000);
    expect(first.signal ?? first.exitCode).toBe('SIGKILL');
    const lingering = agentRecords(records).find((e) => typeof e.killed === 'number')?.pid as number;
    expect(processAlive(lingering)).toBe(true);

    const second = await loop(ws, ['--runs', '2'], 120_000);
    expect(second.exitCode, second.all).toBe(0);
    // The interrupted attempt was stopped (it was still running) and recorded, before the attempt ran again.
    const stopped = eventsOfType(ws, 'ProposerStopped');
    expect(stopped).toHaveLength(1);
    expect(stopped[0]?.data).toMatchObject({ runId: '002', attempt: 1, pid: expect.any(Number), alive: true });
    expect(processAlive(lingering)).toBe(false);
    // Never two at once: the next agent started only after the lingering one ended (it never got to record its exit).
    expect(agentRecords(records).some((e) => e.lingered === lingering)).toBe(false);
    // The widened policy was put back and recorded.
    expect(readFileSync(join(ws, 'policy.json'), 'utf8')).toBe(policy);
    const violation = eventsOfType(ws, 'GuardrailViolation').find((e) => e.data.source === 'inputs');
    expect(violation?.data.paths).toEqual([expect.objectContaining({ path: 'policy.json', change: 'modified', restored: true })]);
    // The file it created cannot be put back (the step's snapshot died with the loop) but is named, and nothing else is.
    const traced = eventsOfType(ws, 'GuardrailViolation').find((e) => e.data.source === 'proposer' && e.data.action === 'detected');
    expect(traced?.data).toMatchObject({ runId: '002', attempt: 1, proposer: 'command' });
    expect(traced?.data.paths).toEqual([expect.objectContaining({ path: 'configs/evil.json', change: 'created', restored: false, kind: 'file' })]);
    expect(second.all).toMatch(/GUARDRAIL command changed configs\/evil\.json/);
    // learning_rate 42 was judged against the recorded policy (max 0.05), not the widened one.
    const rejected = eventsOfType(ws, 'ProposalRejected').filter((e) => e.data.runId === '002');
    expect(rejected.map((e) => e.data.attempt)).toEqual([1, 2]);
    for (const e of rejected) expect(e.data.errors).toEqual([expect.objectContaining({ key: 'train.learning_rate', value: 42, expected: expect.stringMatching(/0\.05/) })]);
    expect(eventsOfType(ws, 'ProposalAccepted').some((e) => e.data.override['train.learning_rate'] === 42)).toBe(false);
  }, 240_000);
});
