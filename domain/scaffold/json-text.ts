/** JSON text of the files `autopilot init` writes, in the layout of the shipped workspace. */

/** `value` as `JSON.stringify(value, null, 2)` with a final newline: policies and baselines. */
export function jsonFile(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * `autopilot.json`'s layout: one top-level key per line; a section that holds a non-empty object
 * or array (trainer, timeouts) one key per line too; everything deeper on one line
 * (`{ "kind": "builtin", "max_attempts": 3 }`, `["bash", "scripts/run_training.sh"]`).
 */
export function settingsFile(settings: Record<string, unknown>): string {
  return `${block(settings, '', 0)}\n`;
}

function block(node: Record<string, unknown>, indent: string, depth: number): string {
  const inner = `${indent}  `;
  const lines = Object.entries(node).map(([key, value]) => {
    const text = depth === 0 && isObject(value) && expands(value) ? block(value, inner, depth + 1) : inline(value);
    return `${inner}${JSON.stringify(key)}: ${text}`;
  });
  return lines.length === 0 ? '{}' : `{\n${lines.join(',\n')}\n${indent}}`;
}

/** A section is written one key per line when it holds a non-empty object or array. */
function expands(section: Record<string, unknown>): boolean {
  return Object.values(section).some((v) => (Array.isArray(v) ? v.length > 0 : isObject(v) && Object.keys(v).length > 0));
}

function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (isObject(value)) {
    const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
