/** How an agent CLI starts `autopilot mcp` for the run being proposed: the same node and CLI as this orchestrator. */
import { join } from 'node:path';
import { PROJECT_ROOT } from '../workspace.js';

/** A stdio MCP server as agent CLIs configure one. */
export interface McpServerSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** The tools `autopilot mcp` offers, as agent CLIs name them. */
export const MCP_TOOLS = ['list_runs', 'get_run', 'get_policy', 'get_labbook', 'propose'] as const;

/** The `autopilot mcp` server for `runId`, logging its propose calls to `mcpLog`. */
export function autopilotMcpServer(workspace: string, runId: string, mcpLog: string): McpServerSpec {
  return {
    command: process.execPath,
    args: [join(PROJECT_ROOT, 'bin', 'autopilot.js'), 'mcp', '--workspace', workspace, '--run', runId],
    env: { AUTOPILOT_MCP_LOG: mcpLog },
  };
}
