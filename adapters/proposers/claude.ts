/**
 * The `claude` proposer: `claude -p` (print mode, headless) with the rendered prompt and
 * `--output-format json`, whose result object reports the session id, cost, turns and usage.
 * The `autopilot mcp` server is passed with `--mcp-config` (a file under logs/) and its tools are
 * allowed without asking, as are the file tools the policy's guardrails already confine.
 */
import type { Settings } from '../../domain/settings.js';
import type { AgentInvocation, AgentReport, AgentSetup } from './agent-run.js';
import { jsonLine } from './json-lines.js';
import { MCP_TOOLS } from './mcp-server.js';

type ClaudeSettings = Settings['proposer']['claude'];

/** The `claude -p` invocation (pure); `mcpConfigFile` is where the MCP config is written. */
export function claudeInvocation(s: ClaudeSettings, a: AgentSetup & { mcpConfigFile: string }): AgentInvocation {
  const tools = [...s.allowed_tools, ...(a.mcp ? MCP_TOOLS.map((t) => `mcp__autopilot__${t}`) : [])];
  const tail = [
    '--output-format',
    'json',
    ...(s.model ? ['--model', s.model] : []),
    ...(s.max_turns ? ['--max-turns', String(s.max_turns)] : []),
    ...(a.mcp ? ['--mcp-config', a.mcpConfigFile] : []),
    ...s.args,
    // Last: the option takes a list, so nothing after it may be read as a tool.
    '--allowedTools',
    tools.join(','),
  ];
  return {
    argv: [s.bin, '-p', a.prompt, ...tail],
    recordedArgv: [s.bin, '-p', '<prompt>', ...tail],
    cwd: a.workspace,
    env: a.env,
    timeouts: s,
    files: a.mcp ? [{ path: a.mcpConfigFile, text: `${JSON.stringify({ mcpServers: { autopilot: { type: 'stdio', ...a.mcp } } }, null, 2)}\n` }] : [],
    report: parseClaudeOutput,
  };
}

/** Reads claude's `--output-format json` result: session id, cost, turns, usage, and its error if it reports one. */
export function parseClaudeOutput(output: string): AgentReport {
  const lines = output.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const r = jsonLine(lines[i] ?? '');
    if (!r || r.type !== 'result') continue;
    const report: AgentReport = {};
    if (typeof r.session_id === 'string') report.sessionId = r.session_id;
    if (typeof r.total_cost_usd === 'number' && r.total_cost_usd >= 0) report.costUsd = r.total_cost_usd;
    if (typeof r.num_turns === 'number' && Number.isInteger(r.num_turns) && r.num_turns >= 0) report.turns = r.num_turns;
    if (typeof r.usage === 'object' && r.usage !== null) {
      const usage: Record<string, number> = {};
      for (const [k, v] of Object.entries(r.usage)) if (typeof v === 'number') usage[k] = v;
      report.usage = usage;
    }
    if (r.is_error === true) report.error = (typeof r.result === 'string' ? r.result : String(r.subtype ?? 'error')).slice(0, 500);
    return report;
  }
  return {};
}
