/**
 * The `claude` proposer: `claude -p` (print mode, headless) with `--output-format stream-json
 * --verbose`, which prints one JSON message a line as the session goes (so a silent agent can be
 * stopped by the silence limit) and ends with a result message: session id, cost, turns, usage,
 * whether it failed. The `autopilot mcp` server is passed with `--mcp-config` (a file under logs/)
 * and `--strict-mcp-config` (no other MCP server loads); its tools are allowed without asking, as
 * are the file tools the policy's guardrails already confine. A prompt too large for one argument
 * goes on stdin, which `claude -p` reads when no prompt argument is given.
 */
import type { Settings } from '../../domain/config/settings.js';
import type { AgentInvocation, AgentSetup } from './agent-run.js';
import { parseClaudeOutput } from './claude-output.js';
import { MCP_TOOLS } from './mcp-server.js';
import { promptOnStdin } from './prompt-arg.js';

type ClaudeSettings = Settings['proposer']['claude'];

/**
 * Variables claude sets in the sessions it runs: inherited (autopilot run from a Claude Code
 * session), `CLAUDECODE` makes claude 2.1.39+ refuse to start (anthropics/claude-code#32618).
 */
export const CLAUDE_SESSION_VARIABLES = ['CLAUDECODE', 'CLAUDE_CODE_ENTRYPOINT'] as const;

/** The `claude -p` invocation (pure); `mcpConfigFile` is where the MCP config is written. */
export function claudeInvocation(s: ClaudeSettings, a: AgentSetup & { mcpConfigFile: string }): AgentInvocation {
  const tools = [...s.allowed_tools, ...(a.mcp ? MCP_TOOLS.map((t) => `mcp__autopilot__${t}`) : [])];
  const onStdin = promptOnStdin(a.prompt);
  const tail = [
    '--output-format',
    'stream-json',
    '--verbose',
    '--strict-mcp-config',
    ...(s.model ? ['--model', s.model] : []),
    ...(s.max_turns ? ['--max-turns', String(s.max_turns)] : []),
    // The user's arguments come before the options that take a list, so none is read as a config or a tool.
    ...s.args,
    ...(a.mcp ? ['--mcp-config', a.mcpConfigFile] : []),
    '--allowedTools',
    tools.join(','),
  ];
  const env = { ...a.env };
  for (const k of CLAUDE_SESSION_VARIABLES) delete env[k];
  return {
    argv: [s.bin, '-p', ...(onStdin ? [] : [a.prompt]), ...tail],
    recordedArgv: [s.bin, '-p', ...(onStdin ? [] : ['<prompt>']), ...tail],
    cwd: a.workspace,
    env,
    timeouts: s,
    files: a.mcp ? [{ path: a.mcpConfigFile, text: `${JSON.stringify({ mcpServers: { autopilot: { type: 'stdio', ...a.mcp } } }, null, 2)}\n` }] : [],
    promptOnStdin: onStdin,
    settingsKey: 'proposer.claude',
    report: parseClaudeOutput,
  };
}
