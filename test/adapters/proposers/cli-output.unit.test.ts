import { describe, expect, it } from 'vitest';
import { claudeInvocation } from '../../../adapters/proposers/claude.js';
import { parseClaudeOutput } from '../../../adapters/proposers/claude-output.js';
import { codexInvocation, codexSandbox, parseCodexOutput } from '../../../adapters/proposers/codex.js';
import { parseSettings } from '../../../domain/config/settings.js';

const settings = parseSettings({
  trainer: { command: ['t'] },
  metric: { name: 'mean_reward', direction: 'maximize' },
  timeouts: { quick: { wall_seconds: 1, no_output_seconds: 1 }, full: { wall_seconds: 1, no_output_seconds: 1 } },
});
const mcp = { command: '/usr/bin/node', args: ['/p/bin/autopilot.js', 'mcp', '--workspace', '/ws', '--run', '002'], env: { AUTOPILOT_MCP_LOG: '/ws/logs/a "b".jsonl' } };
const setup = { workspace: '/ws', prompt: '# Propose\nrun 002', mcp, env: { A: '1' } };

describe('when the codex invocation is built', () => {
  it('passes the MCP server as TOML -c overrides that keep quotes intact, pre-approved, and the prompt after --', () => {
    const inv = codexInvocation(settings.proposer.codex, setup);
    expect(inv.argv.slice(-2)).toEqual(['--', '# Propose\nrun 002']);
    expect(inv.recordedArgv.at(-1)).toBe('<prompt>');
    expect(inv.argv).toContain('mcp_servers.autopilot.env={"AUTOPILOT_MCP_LOG"="/ws/logs/a \\"b\\".jsonl"}');
    expect(inv.argv).toContain('mcp_servers.autopilot.default_tools_approval_mode="approve"');
    expect(inv.env).toEqual({ A: '1' });
    expect(codexSandbox(settings.proposer.codex)).toBe('workspace-write');
  });

  it('defaults to the workspace-write sandbox and never bypasses it unless opted in', () => {
    expect(settings.proposer.codex.sandbox).toBe('workspace-write');
    expect(codexInvocation(settings.proposer.codex, setup).argv).not.toContain('--dangerously-bypass-approvals-and-sandbox');
  });
});

describe('when codex --json output is read', () => {
  it('takes the thread id, keeps the last usage (a running total, never summed), counts no turns, and keeps the last error', () => {
    const out = [
      'not json',
      '{"type":"thread.started","thread_id":"t-1"}',
      '{"type":"turn.completed","usage":{"input_tokens":10,"cached_input_tokens":4,"output_tokens":2}}',
      '{"type":"turn.completed","usage":{"input_tokens":15,"cached_input_tokens":9,"output_tokens":3}}',
      '{"type":"error","message":"stream disconnected"}',
      '{"type":"turn.failed","error":{"message":"rate limited"}}',
    ].join('\n');
    expect(parseCodexOutput(out)).toEqual({
      sessionId: 't-1',
      usage: { input_tokens: 15, cached_input_tokens: 9, output_tokens: 3 },
      usageMeaning: 'codex-session',
      error: 'rate limited',
    });
  });

  it('gives a large prompt on stdin, with "-" in its place', () => {
    const inv = codexInvocation(settings.proposer.codex, { ...setup, prompt: `# big\n${'x'.repeat(100_000)}` });
    expect(inv.argv.slice(-2)).toEqual(['--', '-']);
    expect(inv.recordedArgv.slice(-2)).toEqual(['--', '-']);
    expect(inv.promptOnStdin).toBe(true);
    expect(codexInvocation(settings.proposer.codex, setup).promptOnStdin).toBe(false);
  });

  it('reports nothing from garbage', () => {
    expect(parseCodexOutput('{"type": "thread.started", \n<<<')).toEqual({});
  });
});

const init = '{"type":"system","subtype":"init","session_id":"s-9","mcp_servers":[{"name":"autopilot","status":"connected"},{"name":"other","status":"failed"}]}';
const result = (r: object) => JSON.stringify({ type: 'result', subtype: 'success', is_error: false, session_id: 's-9', ...r });

describe('when claude output is read', () => {
  it('takes the MCP servers from the init line and session, cost, turns, usage and denials from the last result', () => {
    const out = [
      init,
      '{"type":"assistant","message":{"content":[{"type":"text","text":"hi"}]}}',
      result({
        num_turns: 4,
        result: 'ok',
        total_cost_usd: 0.25,
        usage: { input_tokens: 7, cache_read_input_tokens: 900, output_tokens: 3, server_tool_use: { web_search_requests: 0 } },
        permission_denials: [{ tool_name: 'Bash', tool_use_id: 'u1', tool_input: { command: 'rm -rf /' } }],
      }),
    ].join('\n');
    expect(parseClaudeOutput(out)).toEqual({
      sessionId: 's-9',
      costUsd: 0.25,
      turns: 4,
      usage: { input_tokens: 7, cache_read_input_tokens: 900, output_tokens: 3 },
      usageMeaning: 'claude-result',
      mcpServers: [
        { name: 'autopilot', status: 'connected' },
        { name: 'other', status: 'failed' },
      ],
      permissionDenials: ['Bash'],
    });
  });

  it('reads the JSON array --output-format json prints with verbose on (anthropics/claude-code#84784)', () => {
    const out = `[${init},{"type":"assistant","message":{}},${result({ num_turns: 2, result: 'ok' })}]\n`;
    expect(parseClaudeOutput(out)).toMatchObject({
      sessionId: 's-9',
      turns: 2,
      mcpServers: [
        { name: 'autopilot', status: 'connected' },
        { name: 'other', status: 'failed' },
      ],
    });
    expect(parseClaudeOutput(out)).not.toHaveProperty('error');
  });

  it('treats any subtype but success as an error, also with is_error false, its message from errors[]', () => {
    const maxTurns = result({ subtype: 'error_max_turns', is_error: false, num_turns: 6, errors: ['Reached maximum number of turns (5)'] });
    expect(parseClaudeOutput(maxTurns).error).toBe('error_max_turns: Reached maximum number of turns (5)');
    expect(parseClaudeOutput(result({ subtype: 'error_during_execution', is_error: true })).error).toBe('error_during_execution');
  });

  it('takes the message of a failed success from result', () => {
    expect(parseClaudeOutput(result({ is_error: true, result: 'API Error: 529 overloaded' })).error).toBe('API Error: 529 overloaded');
  });

  it('reports nothing from garbage', () => {
    expect(parseClaudeOutput('{"type": "result", \n[not json\n<<<')).toEqual({});
  });
});

describe('when the claude invocation is built', () => {
  const claude = { ...settings.proposer.claude, max_turns: 5, model: 'opus', args: ['--add-dir', '../data'] };
  const mcpConfigFile = '/ws/logs/m.json';

  it('asks for stream-json with --verbose, strict MCP config, the user args before the list options, and the autopilot tools last', () => {
    const inv = claudeInvocation(claude, { ...setup, mcpConfigFile });
    expect(inv.argv).toEqual([
      'claude',
      '-p',
      '# Propose\nrun 002',
      '--output-format',
      'stream-json',
      '--verbose',
      '--strict-mcp-config',
      '--model',
      'opus',
      '--max-turns',
      '5',
      '--add-dir',
      '../data',
      '--mcp-config',
      mcpConfigFile,
      '--allowedTools',
      inv.argv.at(-1),
    ]);
    expect(inv.argv.at(-1)!.split(',')).toEqual([
      'Read',
      'Grep',
      'Glob',
      'Write',
      'Edit',
      'mcp__autopilot__list_runs',
      'mcp__autopilot__get_run',
      'mcp__autopilot__get_policy',
      'mcp__autopilot__get_labbook',
      'mcp__autopilot__propose',
    ]);
    expect(inv.recordedArgv[2]).toBe('<prompt>');
    expect(JSON.parse(inv.files[0]!.text).mcpServers.autopilot).toEqual({ type: 'stdio', ...mcp });
  });

  it('removes the variables of an enclosing Claude Code session from its environment', () => {
    const inv = claudeInvocation(claude, { ...setup, env: { A: '1', CLAUDECODE: '1', CLAUDE_CODE_ENTRYPOINT: 'cli' }, mcpConfigFile });
    expect(inv.env).toEqual({ A: '1' });
  });

  it('gives a prompt over 100 KB on stdin and no prompt argument', () => {
    const inv = claudeInvocation(claude, { ...setup, prompt: 'é'.repeat(50_001), mcpConfigFile });
    expect(inv.promptOnStdin).toBe(true);
    expect(inv.argv.slice(0, 3)).toEqual(['claude', '-p', '--output-format']);
    expect(inv.recordedArgv).not.toContain('<prompt>');
  });
});
