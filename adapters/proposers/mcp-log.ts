/** The record `autopilot mcp` keeps of an agent's `propose` calls (AUTOPILOT_MCP_LOG), read back for the proposal event. */
import { existsSync, readFileSync } from 'node:fs';

/** The `propose` calls of one agent invocation. */
export interface McpCalls {
  calls: number;
  rejected: number;
  /** The error messages returned to the agent (at most 20). */
  errors: string[];
}

const MAX_ERRORS = 20;

/** Reads an MCP call log; null when the agent made no call (no file). Unreadable lines count as calls with an error. */
export function readMcpLog(file: string): McpCalls | null {
  if (!existsSync(file)) return null;
  const out: McpCalls = { calls: 0, rejected: 0, errors: [] };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    out.calls++;
    let entry: { ok?: unknown; errors?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      entry = { ok: false, errors: [{ message: 'unreadable line in the MCP call log' }] };
    }
    if (entry.ok === true) continue;
    out.rejected++;
    for (const e of Array.isArray(entry.errors) ? entry.errors : []) {
      const message = typeof e === 'object' && e !== null && 'message' in e ? String((e as { message: unknown }).message) : String(e);
      const key = typeof e === 'object' && e !== null && 'key' in e ? `${String((e as { key: unknown }).key)}: ` : '';
      if (out.errors.length < MAX_ERRORS) out.errors.push(`${key}${message}`);
    }
  }
  return out;
}
