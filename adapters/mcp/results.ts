/** Tool results as the agent reads them: one text item, JSON when the answer is structured. */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { WorkspaceError } from '../workspace.js';
import { AutopilotError, isAutopilotError } from '../../domain/errors.js';

/** Bad input to a tool (an unknown run id…): returned to the agent as a tool error, the server stays up. */
export function toolInputError(problem: string): AutopilotError {
  return new AutopilotError('tool-input', problem);
}

/** A successful result holding `value` as indented JSON. */
export function jsonResult(value: unknown): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }] };
}

/** A successful plain-text result. */
export function textResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }] };
}

/** A tool error the agent can act on: `value` as JSON, or a message. */
export function errorResult(value: unknown): CallToolResult {
  return { content: [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) }], isError: true };
}

/**
 * Runs a tool body, turning the failures an agent can fix or report (bad input, a missing or
 * invalid workspace file) into tool errors; anything else is logged and reported too, so one bad
 * call never takes the server down.
 */
export async function guardedTool(name: string, log: (line: string) => void, body: () => CallToolResult | Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (error) {
    if (isAutopilotError(error, 'tool-input') || error instanceof WorkspaceError) return errorResult(`${name}: ${error.message}`);
    log(`${name} failed: ${(error as Error).stack ?? String(error)}`);
    return errorResult(`${name} failed: ${(error as Error).message ?? String(error)}`);
  }
}

/** `text` cut to `max` characters, marking the cut (keeps list answers bounded). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
