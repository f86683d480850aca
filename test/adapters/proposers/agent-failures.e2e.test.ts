/**
 * The codex and claude proposers against fake CLIs on PATH (test/fixtures/fake-agent.mjs), when they
 * fail — by hanging, with garbage, by exiting non-zero, without rationale, with claude's
 * error_max_turns result, with codex's failed turn — and `autopilot propose --once`, which asks them
 * and records nothing. The ways they answer are in agent-answers.e2e.test.ts.
 * Each test runs its own loop in its own workspace and waits on its processes, so they run concurrently.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI } from '../../support/workspace.js';
import { runWithAgent } from './agent-loop.js';

describe.concurrent('when the agent fails', () => {
  it('a hung agent is stopped after its no-output limit and the built-in optimizer proposes that run, said in the labbook', async () => {
    // A short silence limit for the agent that hangs (the others get 15 s: a loaded machine starts the MCP server slowly).
    const { ws, loop, of } = await runWithAgent({ kind: 'claude', script: ['hang'], settings: { proposer: { kind: 'claude', on_exhausted: 'fallback', claude: { no_output_seconds: 3 } } } });
    expect(loop.exitCode, loop.all).toBe(0);
    const [failed] = of('ProposalFailed');
    expect(failed!.data).toMatchObject({ proposer: 'claude', reason: 'hung', message: 'no output for 3s (proposer.claude.no_output_seconds)' });
    expect(failed!.data.process.durationMs).toBeGreaterThanOrEqual(3000);
    const requests = of('ProposalRequested');
    expect(requests.map((r) => [r.data.proposer, r.data.fallbackFrom ?? null])).toEqual([
      ['claude', null],
      ['builtin', 'claude'],
    ]);
    expect(of('ProposalAccepted')[0]!.data.proposer).toBe('builtin');
    const labbook = readFileSync(join(ws, 'journal', 'labbook.md'), 'utf8');
    expect(labbook).toMatch(/run 002: ask builtin instead of claude .*claude hung: no output for 3s/);
  });

  it('garbage is rejected like an invalid key, and the errors are in the next prompt', async () => {
    const { loop, of, calls } = await runWithAgent({ kind: 'codex', script: ['garbage', 'file'] });
    expect(loop.exitCode, loop.all).toBe(0);
    const [rejected] = of('ProposalRejected');
    expect(rejected!.data.errors[0]).toMatchObject({ key: 'proposal', rule: 'shape' });
    expect(of('ProposalReceived')[0]!.data.process).not.toHaveProperty('sessionId');
    expect(calls(2).prompt).toContain('was rejected');
    expect(calls(2).prompt).toContain(rejected!.data.errors[0].message.slice(0, 40));
    expect(of('ProposalAccepted')[0]!.data.attempt).toBe(2);
  });

  it('an answer without rationale is rejected like an invalid key', async () => {
    const { loop, of } = await runWithAgent({ kind: 'claude', script: ['no-rationale', 'file'] });
    expect(loop.exitCode, loop.all).toBe(0);
    expect(of('ProposalRejected')[0]!.data.errors).toEqual([expect.objectContaining({ key: 'rationale', rule: 'shape' })]);
    expect(of('ProposalAccepted')[0]!.data).toMatchObject({ attempt: 2, rationale: 'a smaller step' });
  });

  it('a non-zero exit is a recorded failure; with no fallback and no attempts left the loop halts and says why', async () => {
    const { loop, of } = await runWithAgent({ kind: 'codex', script: ['exit'], settings: { proposer: { kind: 'codex', max_attempts: 1 } } });
    expect(loop.exitCode).toBe(1);
    const [failed] = of('ProposalFailed');
    expect(failed!.data).toMatchObject({ proposer: 'codex', reason: 'crashed', process: { exitCode: 3 } });
    expect(failed!.data.message).toBe('exited with code 3 (last output: fatal: not logged in); see logs/002.proposer-1.log');
    expect(of('LoopHalted')[0]!.data.reason).toMatch(/the proposer failed 1 time\(s\); last: exited with code 3 \(last output: fatal: not logged in\)/);
    expect(of('RunStarted')).toHaveLength(0);
  });
});

describe.concurrent('when an agent reports an error about itself', () => {
  it('claude error_max_turns with is_error false and exit 0 is a failure, recorded with its message', async () => {
    const { loop, of } = await runWithAgent({ kind: 'claude', script: ['max-turns', 'file'] });
    expect(loop.exitCode, loop.all).toBe(0);
    const [failed] = of('ProposalFailed');
    expect(failed!.data).toMatchObject({ reason: 'error', process: { exitCode: 0, error: 'error_max_turns: Reached maximum number of turns (5)', turns: 6 } });
    expect(failed!.data.message).toMatch(/^exited 0 but reported an error: error_max_turns: Reached maximum number of turns \(5\)/);
    expect(of('ProposalAccepted')[0]!.data.attempt).toBe(2);
  });

  it('codex error + turn.failed + exit 1 is a crash whose message and record carry what codex said', async () => {
    const { loop, of } = await runWithAgent({ kind: 'codex', script: ['turn-failed'], settings: { proposer: { kind: 'codex', max_attempts: 1 } } });
    expect(loop.exitCode).toBe(1);
    const [failed] = of('ProposalFailed');
    const said = 'unexpected status 401 Unauthorized: Missing bearer or basic authentication in header';
    expect(failed!.data).toMatchObject({ reason: 'crashed', process: { exitCode: 1, sessionId: 'thread-1', error: said } });
    expect(failed!.data.message).toBe(`exited with code 1 (it reported: ${said}); see logs/002.proposer-1.log`);
  });
});

describe.concurrent('when autopilot propose --once tries the proposer against the current history', () => {
  it('runs the agent, validates its answer, and records nothing', async () => {
    const { ws, env, events } = await runWithAgent({ kind: 'codex', script: ['file', 'file'], runs: 1 });
    const before = events.length;
    const once = await execa(process.execPath, [CLI, 'propose', '--once', '--json', '--workspace', ws], { env, reject: false });
    expect(once.exitCode, once.stderr).toBe(0);
    const report = JSON.parse(once.stdout);
    expect(report).toMatchObject({ proposer: 'codex', run_id: '002', outcome: 'valid', overrides: { 'train.learning_rate': 0.001 }, prompt_file: 'logs/002.propose-once.prompt.md' });
    expect(report.diff).toEqual([expect.objectContaining({ key: 'train.learning_rate', to: 0.001 })]);
    const after = (await execa(process.execPath, [CLI, 'events', '--json', '--workspace', ws])).stdout.trim().split('\n');
    expect(after).toHaveLength(before);
    expect(JSON.parse(readFileSync(join(ws, 'proposals', 'next_config.json'), 'utf8'))).toEqual({});
  });

  it('says what was wrong when the answer is out of range, and exits 1', async () => {
    const { ws, env } = await runWithAgent({ kind: 'codex', script: ['file'], runs: 1 });
    const bad = await execa(process.execPath, [CLI, 'propose', '--once', '--workspace', ws], {
      env: { ...env, FAKE_AGENT_PROPOSAL: JSON.stringify({ overrides: { 'train.gamma': 2 }, rationale: 'r', hypothesis: 'h' }) },
      reject: false,
    });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toMatch(/rejected train\.gamma: train\.gamma = 2 .*allowed/);
  });
});
