/** The record `autopilot mcp` keeps of an agent's `propose` calls (AUTOPILOT_MCP_LOG), read back for the proposal event. */
import { readConfined } from '../fs/confined.js';

/** The `propose` calls of one agent invocation. */
export interface McpCalls {
  calls: number;
  rejected: number;
  /** The error messages returned to the agent (at most 20). */
  errors: string[];
}

const MAX_ERRORS = 20;
/** Most of the call log read (the agent can write to it too). */
const MAX_LOG_BYTES = 8 << 20;

/**
 * Reads an MCP call log (inside workspace `root`); null when the agent made no call (no file).
 * Unreadable lines count as calls with an error; a log that is not a regular file, or too large,
 * counts as one such call.
 */
export function readMcpLog(root: string, file: string): McpCalls | null {
  const read = readConfined(root, file, MAX_LOG_BYTES);
  if (read.kind === 'missing') return null;
  const out: McpCalls = { calls: 0, rejected: 0, errors: [] };
  const text = read.kind === 'file' ? read.bytes.toString('utf8') : '{"ok": false, "errors": [{"message": "the MCP call log was not a readable regular file of at most 8 MiB"}]}';
  for (const line of text.split('\n')) {
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
