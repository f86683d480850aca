/**
 * `autopilot mcp [--workspace DIR] [--mode quick|full] [--run ID]`: the workspace's MCP server over
 * stdio, for a coding agent to read the history and propose through. stdout carries the protocol
 * alone; diagnostics go to stderr. It serves until its client closes stdin (or a signal).
 */
import { type Command, Option } from 'commander';
import { openAuditLog, type AuditLog } from '../adapters/mcp/audit-log.js';
import { printText } from '../orchestrator/console.js';
import type { CliIo } from './io.js';
import { assertWorkspace, WorkspaceError, workspacePaths } from '../adapters/workspace.js';
import { EXIT, prefixed } from '../domain/errors.js';
import { MODES, type Mode } from '../domain/config/mode.js';

/** Options of `autopilot mcp`. */
export interface McpCommandOptions {
  workspace?: string;
  mode?: Mode;
  run?: string;
}

/** Adds `mcp` to `program`; its action stores the exit code in `result.code` once the client disconnects. */
export function registerMcpCommand(program: Command, result: { code: number }, io: CliIo): void {
  program
    .command('mcp')
    .description('serve the workspace to a coding agent over MCP (stdio): list_runs, get_run, get_policy, get_labbook, propose; read-only on the log, safe while a loop runs')
    .addOption(new Option('--workspace <dir>', 'workspace directory (default: $AUTOPILOT_WORKSPACE, else autopilot)'))
    .addOption(new Option('--mode <mode>', 'baseline of the proposal base (default: the newest session\'s, else autopilot.json "mode")').choices(MODES))
    .option('--run <id>', "the run being proposed, named in propose's confirmation (default: $AUTOPILOT_RUN_ID)")
    .action(async (o: McpCommandOptions) => {
      result.code = await mcpCommand(o, io);
    });
}

/** Runs the server until the client goes away; returns the exit code (0, or 2 for an AUTOPILOT_MCP_LOG that is not an absolute path inside the workspace). */
export async function mcpCommand(o: McpCommandOptions, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // Diagnostics go to the injected err stream; the protocol itself is the stdio transport's (process.stdin/stdout), below.
  const log = (line: string) => printText(prefixed(line, 'mcp'), io.err);
  // The command proposer sets AUTOPILOT_WORKSPACE and AUTOPILOT_RUN_ID for the agent, and so for servers it starts.
  const workspace = o.workspace ?? nonEmpty(env['AUTOPILOT_WORKSPACE']) ?? 'autopilot';
  const runId = o.run ?? nonEmpty(env['AUTOPILOT_RUN_ID']) ?? null;
  // A log path the server will not write ends the command here (exit 2, reported by the runner).
  const audit: AuditLog | null = openAuditLog(nonEmpty(env['AUTOPILOT_MCP_LOG']), workspacePaths(workspace).root, log);
  try {
    assertWorkspace(workspacePaths(workspace));
  } catch (error) {
    // Serve anyway: every tool answers with this message, which the agent can act on; a server that will not start says nothing to it.
    if (!(error instanceof WorkspaceError)) throw error;
    log(`warning: ${error.message}`);
  }

  // Loaded here, not at the top: every other command's start-up skips the MCP SDK.
  const [{ createMcpServer }, { StdioServerTransport }] = await Promise.all([import('../adapters/mcp/server.js'), import('@modelcontextprotocol/sdk/server/stdio.js')]);
  const server = createMcpServer({ workspace, ...(o.mode ? { mode: o.mode } : {}), runId, audit, log });
  // The protocol needs the real stdin/stdout (a byte stream both ways), so the transport keeps the process's own.
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = resolve;
  });
  // The stdio transport does not notice its client leaving: stdin ending is the signal.
  const stop = () => void server.close().catch((error: unknown) => log(`close failed: ${String(error)}`));
  process.stdin.once('end', stop);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await server.connect(transport);
  log(`serving ${workspacePaths(workspace).root}${o.mode ? ` (${o.mode} mode)` : ''}${runId ? ` for run ${runId}` : ''}${audit ? `, auditing propose to ${audit.path}` : ''}`);
  await closed;
  process.stdin.off('end', stop);
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  // Nothing more to read: let the process exit.
  process.stdin.destroy();
  return EXIT.ok;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
