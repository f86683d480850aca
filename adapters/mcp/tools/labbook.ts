/** `get_labbook`: journal/labbook.md as the projection renders it, or its last lines. */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { labbookEntryLine, renderLabbook } from '../../../projections/render.js';
import type { WorkspaceView } from '../../../projections/view.js';
import { textResult } from '../results.js';

/** Lines `get_labbook` shows unless asked for more. */
export const DEFAULT_LABBOOK_TAIL = 100;
/** Most lines one `get_labbook` answer holds. */
export const MAX_LABBOOK_TAIL = 2000;

/** `get_labbook`: the whole labbook when it has at most `tail` lines, else a note and its last `tail` lines. */
export function getLabbook(view: WorkspaceView, tail = DEFAULT_LABBOOK_TAIL): CallToolResult {
  const lines = view.labbook;
  if (lines.length <= tail) return textResult(renderLabbook(view));
  const shown = lines.slice(-tail).map((l) => `${labbookEntryLine(l)}\n`);
  return textResult(`# Labbook (the last ${tail} of ${lines.length} lines; pass tail, up to ${MAX_LABBOOK_TAIL}, for more)\n\n${shown.join('')}`);
}
