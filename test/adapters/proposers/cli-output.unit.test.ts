import { describe, expect, it } from 'vitest';
import { claudeInvocation, parseClaudeOutput } from '../../../adapters/proposers/claude.js';
import { codexInvocation, codexSandbox, parseCodexOutput } from '../../../adapters/proposers/codex.js';
import { parseSettings } from '../../../domain/settings.js';

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
  it('takes the thread id, sums the usage of every turn, and keeps the last error', () => {
    const out = [
      'not json',
      '{"type":"thread.started","thread_id":"t-1"}',
      '{"type":"turn.completed","usage":{"input_tokens":10,"output_tokens":2}}',
      '{"type":"turn.completed","usage":{"input_tokens":5,"output_tokens":1}}',
      '{"type":"turn.failed","error":{"message":"rate limited"}}',
    ].join('\n');
    expect(parseCodexOutput(out)).toEqual({ sessionId: 't-1', turns: 2, usage: { input_tokens: 15, output_tokens: 3 }, error: 'rate limited' });
  });

  it('reports nothing from garbage', () => {
    expect(parseCodexOutput('{"type": "thread.started", \n<<<')).toEqual({});
  });
});

describe('when claude --output-format json output is read', () => {
  it('takes the last result object: session, cost, turns, usage', () => {
    const out = 'warning on stderr\n{"type":"result","subtype":"success","is_error":false,"num_turns":4,"result":"ok","session_id":"s-9","total_cost_usd":0.25,"usage":{"input_tokens":7}}\n';
    expect(parseClaudeOutput(out)).toEqual({ sessionId: 's-9', costUsd: 0.25, turns: 4, usage: { input_tokens: 7 } });
  });

  it('keeps the error claude reports', () => {
    expect(parseClaudeOutput('{"type":"result","subtype":"error_max_turns","is_error":true,"session_id":"s"}')).toEqual({ sessionId: 's', error: 'error_max_turns' });
  });

  it('lists the autopilot tools last, so no later argument is read as a tool', () => {
    const inv = claudeInvocation({ ...settings.proposer.claude, max_turns: 5, model: 'opus' }, { ...setup, mcpConfigFile: '/ws/logs/m.json' });
    expect(inv.argv.slice(0, 3)).toEqual(['claude', '-p', '# Propose\nrun 002']);
    expect(inv.argv.slice(3, -2)).toEqual(['--output-format', 'json', '--model', 'opus', '--max-turns', '5', '--mcp-config', '/ws/logs/m.json']);
    expect(inv.argv.at(-2)).toBe('--allowedTools');
    expect(inv.argv.at(-1)).toMatch(/,mcp__autopilot__propose$/);
    expect(JSON.parse(inv.files[0]!.text).mcpServers.autopilot).toEqual({ type: 'stdio', ...mcp });
  });
});
