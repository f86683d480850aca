/**
 * The codex and claude proposers against fake CLIs on PATH (test/fixtures/fake-agent.mjs), when they
 * answer: the exact argv, env and prompt they get, by file, through a real MCP session with `autopilot
 * mcp`, with claude's JSON array, and a prompt too large for an argument, which both read on stdin.
 * The ways they fail are in agent-failures.e2e.test.ts.
 * Each test runs its own loop in its own workspace and waits on its processes, so they run concurrently.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI } from '../../support/workspace.js';
import { mcpArgs, runWithAgent } from './agent-loop.js';

describe.concurrent('when codex answers by writing proposals/next_config.json', () => {
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

describe.concurrent('when claude answers through a real MCP session with autopilot mcp', () => {
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

describe.concurrent('when codex answers through autopilot mcp started from its -c overrides', () => {
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

describe.concurrent('when claude prints --output-format json with verbose on', () => {
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

describe.concurrent('when the prompt is 200 KB, too large for one argument', () => {
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

describe.concurrent('when autopilot loop --proposer overrides the setting for one invocation', () => {
  it('asks claude although autopilot.json names the built-in optimizer, and records it on the session', async () => {
    const { loop, of, calls, events } = await runWithAgent({ kind: 'claude', script: ['file'], settings: { proposer: { kind: 'builtin' } }, extraArgs: ['--proposer', 'claude'] });
    expect(loop.exitCode, loop.all).toBe(0);
    expect(events.find((e) => e.type === 'LoopStarted')!.data.proposer).toBe('claude');
    expect(calls(1).cli).toBe('claude');
    expect(of('ProposalAccepted')[0]!.data.proposer).toBe('claude');
  });
});
