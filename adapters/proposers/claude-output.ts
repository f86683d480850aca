/**
 * Reads what `claude -p` printed on stdout: with `--output-format stream-json --verbose`, one
 * message a line; with `--output-format json` and verbose on (flag or user settings), one JSON
 * array of the same messages (anthropics/claude-code#84784); without verbose, the result alone.
 */
import type { AgentReport } from './agent-run.js';
import { jsonLine, numberFields } from './json-lines.js';

type Message = Record<string, unknown>;
const MAX_DENIALS = 50;

/** The messages in `output`: each object line, or the elements of an array line. */
function messages(output: string): Message[] {
  const out: Message[] = [];
  for (const line of output.split('\n')) {
    const object = jsonLine(line);
    if (object) out.push(object);
    else if (line.trim().startsWith('[')) out.push(...arrayLine(line));
  }
  return out;
}

function arrayLine(line: string): Message[] {
  try {
    const v: unknown = JSON.parse(line);
    return Array.isArray(v) ? v.filter((m): m is Message => typeof m === 'object' && m !== null && !Array.isArray(m)) : [];
  } catch {
    return [];
  }
}

/** The error of a result: `is_error`, or any subtype but `success` (`error_max_turns` comes with `is_error: false`). */
function resultError(r: Message): string | undefined {
  const subtype = typeof r.subtype === 'string' ? r.subtype : 'success';
  if (r.is_error !== true && subtype === 'success') return undefined;
  const errors = Array.isArray(r.errors) ? r.errors.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))) : [];
  const said = typeof r.result === 'string' && r.result.trim() !== '' ? r.result : errors.join('; ');
  const text = subtype === 'success' ? said || 'error' : said ? `${subtype}: ${said}` : subtype;
  return text.slice(0, 500);
}

function mcpServers(init: Message): AgentReport['mcpServers'] {
  if (!Array.isArray(init.mcp_servers)) return undefined;
  return init.mcp_servers.filter((s): s is Message => typeof s === 'object' && s !== null).map((s) => ({ name: String(s.name), status: String(s.status) }));
}

function denials(r: Message): string[] | undefined {
  if (!Array.isArray(r.permission_denials) || r.permission_denials.length === 0) return undefined;
  return r.permission_denials.slice(0, MAX_DENIALS).map((d) => String((d as Message | null)?.tool_name ?? '?'));
}

/** Reads claude's output: from the `system`/`init` message the MCP servers' status, from the last result its session, cost, turns, usage, denials and error. */
export function parseClaudeOutput(output: string): AgentReport {
  const all = messages(output);
  const report: AgentReport = {};
  const init = all.find((m) => m.type === 'system' && m.subtype === 'init');
  const servers = init ? mcpServers(init) : undefined;
  if (servers) report.mcpServers = servers;
  const r = all.filter((m) => m.type === 'result').at(-1);
  if (!r) return report;
  if (typeof r.session_id === 'string') report.sessionId = r.session_id;
  if (typeof r.total_cost_usd === 'number' && r.total_cost_usd >= 0) report.costUsd = r.total_cost_usd;
  if (typeof r.num_turns === 'number' && Number.isInteger(r.num_turns) && r.num_turns >= 0) report.turns = r.num_turns;
  const usage = numberFields(r.usage);
  if (usage) {
    report.usage = usage;
    report.usageMeaning = 'claude-result';
  }
  const denied = denials(r);
  if (denied) report.permissionDenials = denied;
  const error = resultError(r);
  if (error) report.error = error;
  return report;
}
