/**
 * The codex and claude proposers against fake CLIs on PATH (test/fixtures/fake-agent.mjs): the
 * exact argv, env and prompt they get, and each way they can answer — by file, through a real MCP
 * session with `autopilot mcp`, by hanging, with garbage, by exiting non-zero, without rationale,
 * with claude's JSON array and its error_max_turns result, with codex's failed turn — and a prompt
 * too large for an argument, which both read on stdin.
 */
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, fakeTrainerWorkspace, patchSettings } from '../../support/workspace.js';

const FAKE_AGENT = join(ROOT, 'test', 'fixtures', 'fake-agent.mjs');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads the payloads of every event type
type Logged = { seq: number; type: string; data: Record<string, any> };

/** A directory with `codex` and `claude` both linked to the fake agent, for the front of PATH. */
function fakeBin(): string {
  const bin = mkdtempSync(join(tmpdir(), 'autopilot-fakebin-'));
  chmodSync(FAKE_AGENT, 0o755);
  for (const name of ['codex', 'claude']) symlinkSync(FAKE_AGENT, join(bin, name));
  return bin;
}
const BIN = fakeBin();

interface Setup {
  kind: 'codex' | 'claude';
  script: string[];
  settings?: Record<string, unknown>;
  runs?: number;
  extraArgs?: string[];
  /** Variables set in the loop's own environment. */
  env?: Record<string, string>;
  /** Changes the workspace before the loop starts. */
  prepare?: (ws: string) => void;
}

async function runWithAgent(s: Setup) {
  const ws = fakeTrainerWorkspace();
  const dir = mkdtempSync(join(tmpdir(), 'autopilot-fakeagent-'));
  mkdirSync(dir, { recursive: true });
  patchSettings(ws, { proposer: { kind: s.kind, max_attempts: 2, [s.kind]: { no_output_seconds: 15, wall_seconds: 60 } }, statistics: { replicates: 0 } });
  patchSettings(ws, s.settings ?? {});
  s.prepare?.(ws);
  const env = { PATH: `${BIN}:${process.env.PATH}`, FAKE_AGENT_DIR: dir, FAKE_AGENT_SCRIPT: JSON.stringify(s.script), ...s.env };
  const loop = await execa(process.execPath, [CLI, 'loop', '--workspace', ws, '--runs', String(s.runs ?? 2), ...(s.extraArgs ?? [])], {
    env,
    reject: false,
    all: true,
  });
  const events = (await execa(process.execPath, [CLI, 'events', '--json', '--workspace', ws])).stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Logged);
  const calls = (n: number) => JSON.parse(readFileSync(join(dir, `call-${n}.json`), 'utf8'));
  const of = (type: string) => events.filter((e) => e.type === type && e.data.runId !== '001');
  return { ws, dir, loop, events, of, calls, env };
}

const mcpArgs = (ws: string, runId: string) => [join(ROOT, 'bin', 'autopilot.js'), 'mcp', '--workspace', ws, '--run', runId];

describe('when codex answers by writing proposals/next_config.json', () => {
  it('gets the exact argv, env and prompt, and its thread id and token usage are recorded', async () => {
    const { ws, loop, of, calls } = await runWithAgent({ kind: 'codex', script: ['file'] });
    expect(loop.exitCode, loop.all).toBe(0);
    const call = calls(1);
    const [request] = of('ProposalRequested');
    const mcpLog = join(ws, 'logs', '002.proposer-1.mcp.jsonl');
    expect(call.argv).toEqual([
      'exec',
      '--json',
      '--skip-git-repo-check',
      '--cd',
      ws,
      '--sandbox',
      'workspace-write',
      '-c',
      `mcp_servers.autopilot.command=${JSON.stringify(process.execPath)}`,
      '-c',
      `mcp_servers.autopilot.args=${JSON.stringify(mcpArgs(ws, '002'))}`,
      '-c',
      `mcp_servers.autopilot.env={"AUTOPILOT_MCP_LOG"=${JSON.stringify(mcpLog)}}`,
      '-c',
      'mcp_servers.autopilot.default_tools_approval_mode="approve"',
      '--',
      request!.data.prompt.text,
    ]);
    expect(call.cwd).toBe(ws);
    expect(call.env).toMatchObject({
      PUFFER_AUTOPILOT_RUN_ID: '001',
      PUFFER_AUTOPILOT_RUN_DIR: join(ws, 'runs', '001'),
      PUFFER_AUTOPILOT_SUMMARY: join(ws, 'runs', '001', 'trainer_summary.json'),
      AUTOPILOT_RUN_ID: '002',
      AUTOPILOT_PROPOSAL_FILE: join(ws, 'proposals', 'next_config.json'),
      AUTOPILOT_PROMPT_FILE: join(ws, 'logs', '002.proposer-1.prompt.md'),
    });
    // What the agent saw is in the log, rendered from it: the goal, the policy, the baseline run.
    expect(request!.data).toMatchObject({ proposer: 'codex', prompt: { template: 'prompts/propose.md' }, agent: { cli: 'codex', sandbox: 'workspace-write', mcp: true } });
    expect(call.prompt).toContain('maximize `mean_reward`');
    expect(call.prompt).toContain('`train.learning_rate`');
    expect(call.prompt).toMatch(/Run 001/);
    expect(readFileSync(join(ws, 'logs', '002.proposer-1.prompt.md'), 'utf8')).toBe(call.prompt);
    const [received] = of('ProposalReceived');
    expect(received!.data).toMatchObject({
      proposer: 'codex',
      overrides: { 'train.learning_rate': 0.001 },
      rationale: 'a smaller step',
      // The last line was split by a stderr write in the log: it is read whole from the stdout copy.
      process: { exitCode: 0, sessionId: 'thread-1', usage: { input_tokens: 1200, cached_input_tokens: 200, output_tokens: 80 }, usageMeaning: 'codex-session' },
    });
    expect(received!.data.process).not.toHaveProperty('turns');
    expect(received!.data.process.argv.at(-1)).toBe('<prompt>');
    expect(of('ProposalAccepted')[0]!.data.override).toEqual({ 'train.learning_rate': 0.001 });
    // The audit names the agent and shows the prompt verbatim.
    const audit = JSON.parse((await execa(process.execPath, [CLI, 'audit', '002', '--workspace', ws, '--json'])).stdout);
    expect(audit.proposer).toMatchObject({ kind: 'codex', agent: 'codex', model: null });
    const text = (await execa(process.execPath, [CLI, 'audit', '002', '--workspace', ws])).stdout;
    expect(text).toContain('prompt (rendered from prompts/propose.md):');
    for (const line of call.prompt.trimEnd().split('\n')) expect(text).toContain(`  | ${line}`);
  });

  it('runs without the sandbox only when autopilot.json opts in, and records the opt-in', async () => {
    const { loop, of, calls } = await runWithAgent({
      kind: 'codex',
      script: ['file'],
      settings: { proposer: { kind: 'codex', codex: { dangerously_bypass_approvals_and_sandbox: true, mcp: false, model: 'gpt-test' } } },
    });
    expect(loop.exitCode, loop.all).toBe(0);
    const argv: string[] = calls(1).argv;
    expect(argv.slice(0, 8)).toEqual(['exec', '--json', '--skip-git-repo-check', '--cd', argv[4], '--dangerously-bypass-approvals-and-sandbox', '--model', 'gpt-test']);
    expect(argv).not.toContain('--sandbox');
    expect(argv.some((a) => a.startsWith('mcp_servers.'))).toBe(false);
    expect(of('ProposalRequested')[0]!.data.agent).toEqual({ cli: 'codex', sandbox: 'bypassed', mcp: false, model: 'gpt-test' });
  });
});

describe('when claude answers through a real MCP session with autopilot mcp', () => {
  it('gets -p, stream-json, strict --mcp-config after the user args, no CLAUDECODE; its refused proposal is corrected and run', async () => {
    // Run from inside a Claude Code session: the fake refuses to start when CLAUDECODE reaches it, as claude 2.1.39+ does.
    const { ws, loop, of, calls, dir } = await runWithAgent({
      kind: 'claude',
      script: ['mcp'],
      env: { CLAUDECODE: '1', CLAUDE_CODE_ENTRYPOINT: 'cli' },
      settings: { proposer: { kind: 'claude', claude: { args: ['--add-dir', 'data'] } } },
    });
    expect(loop.exitCode, loop.all).toBe(0);
    const call = calls(1);
    expect(call.env).not.toHaveProperty('CLAUDECODE');
    expect(call.env).not.toHaveProperty('CLAUDE_CODE_ENTRYPOINT');
    const request = of('ProposalRequested')[0]!;
    const config = join(ws, 'logs', '002.proposer-1.mcp.json');
    expect(call.argv).toEqual([
      '-p',
      request.data.prompt.text,
      '--output-format',
      'stream-json',
      '--verbose',
      '--strict-mcp-config',
      '--add-dir',
      'data',
      '--mcp-config',
      config,
      '--allowedTools',
      'Read,Grep,Glob,Write,Edit,mcp__autopilot__list_runs,mcp__autopilot__get_run,mcp__autopilot__get_policy,mcp__autopilot__get_labbook,mcp__autopilot__propose',
    ]);
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({
      mcpServers: {
        autopilot: { type: 'stdio', command: process.execPath, args: mcpArgs(ws, '002'), env: { AUTOPILOT_MCP_LOG: join(ws, 'logs', '002.proposer-1.mcp.jsonl') } },
      },
    });
    expect(call.prompt).toContain('propose');
    const session = JSON.parse(readFileSync(join(dir, 'mcp-1.json'), 'utf8'));
    expect(session.tools).toEqual(['get_labbook', 'get_policy', 'get_run', 'list_runs', 'propose']);
    expect(session.runs).toContain('001');
    expect(session.bad.isError).toBe(true);
    expect(session.bad.text).toContain('train.learning_rate');
    expect(session.good.isError).toBe(false);
    const received = of('ProposalReceived')[0]!;
    expect(received.data).toMatchObject({
      proposer: 'claude',
      overrides: { 'train.learning_rate': 0.001 },
      process: {
        exitCode: 0,
        sessionId: 'session-1',
        costUsd: 0.0123,
        turns: 3,
        usage: { input_tokens: 900, cache_read_input_tokens: 4000, output_tokens: 70 },
        usageMeaning: 'claude-result',
        mcpServers: [{ name: 'autopilot', status: 'connected' }],
        permissionDenials: ['Bash'],
        mcp: { calls: 2, rejected: 1 },
      },
    });
    expect(received.data.process.mcp.errors.join('\n')).toMatch(/train\.learning_rate.*5/);
    expect(of('ProposalAccepted')).toHaveLength(1);
  });
});

describe('when codex answers through autopilot mcp started from its -c overrides', () => {
  it('reaches a working server from the TOML values it was given, and its calls are recorded', async () => {
    const { loop, of, dir } = await runWithAgent({ kind: 'codex', script: ['mcp'] });
    expect(loop.exitCode, loop.all).toBe(0);
    const session = JSON.parse(readFileSync(join(dir, 'mcp-1.json'), 'utf8'));
    expect(session.tools).toEqual(['get_labbook', 'get_policy', 'get_run', 'list_runs', 'propose']);
    expect(session.bad.isError).toBe(true);
    expect(of('ProposalReceived')[0]!.data.process).toMatchObject({ sessionId: 'thread-1', mcp: { calls: 2, rejected: 1 } });
    expect(of('ProposalAccepted')[0]!.data.override).toEqual({ 'train.learning_rate': 0.001 });
  });
});

describe('when the agent fails', () => {
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

describe('when an agent reports an error about itself', () => {
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

describe('when claude prints --output-format json with verbose on', () => {
  it('reads the JSON array of messages it prints instead of one result', async () => {
    const { loop, of, calls } = await runWithAgent({
      kind: 'claude',
      script: ['file'],
      settings: { proposer: { kind: 'claude', claude: { mcp: false, args: ['--output-format', 'json'] } } },
    });
    expect(loop.exitCode, loop.all).toBe(0);
    expect(calls(1).argv).toContain('json');
    expect(of('ProposalReceived')[0]!.data.process).toMatchObject({ sessionId: 'session-1', turns: 3, mcpServers: [], permissionDenials: ['Bash'] });
  });
});

describe('when the prompt is 200 KB, too large for one argument', () => {
  const big = (ws: string) => appendFileSync(join(ws, 'prompts', 'propose.md'), `\n<!-- ${'padding '.repeat(25_600)}-->\n`);
  for (const kind of ['codex', 'claude'] as const)
    it(`${kind} reads it whole on stdin and answers`, async () => {
      const { loop, of, calls } = await runWithAgent({ kind, script: ['file'], prepare: big, settings: { proposer: { kind, [kind]: { mcp: false } } } });
      expect(loop.exitCode, loop.all).toBe(0);
      const call = calls(1);
      expect(call.promptVia).toBe('stdin');
      expect(call.prompt.length).toBeGreaterThan(200_000);
      expect(call.prompt).toBe(of('ProposalRequested')[0]!.data.prompt.text);
      if (kind === 'codex') expect(call.argv.slice(-2)).toEqual(['--', '-']);
      else expect(call.argv.slice(0, 2)).toEqual(['-p', '--output-format']);
      expect(of('ProposalAccepted')).toHaveLength(1);
    });
});

describe('when autopilot loop --proposer overrides the setting for one invocation', () => {
  it('asks claude although autopilot.json names the built-in optimizer, and records it on the session', async () => {
    const { loop, of, calls, events } = await runWithAgent({ kind: 'claude', script: ['file'], settings: { proposer: { kind: 'builtin' } }, extraArgs: ['--proposer', 'claude'] });
    expect(loop.exitCode, loop.all).toBe(0);
    expect(events.find((e) => e.type === 'LoopStarted')!.data.proposer).toBe('claude');
    expect(calls(1).cli).toBe('claude');
    expect(of('ProposalAccepted')[0]!.data.proposer).toBe('claude');
  });
});

describe('when autopilot propose --once tries the proposer against the current history', () => {
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
