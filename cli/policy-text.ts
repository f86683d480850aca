/** The text `autopilot policy` commands write: policy.json formatted for diffs, issue lists, and files. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Policy } from '../domain/policy/policy.js';
import { escapeJson, escapeText } from '../domain/text/escape.js';

/**
 * policy.json text: one line per key, rule and path, so a diff shows what changed.
 * Parses back to the same policy.
 */
export function formatPolicyJson(policy: Policy): string {
  const flat = (value: object) =>
    `{ ${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
      .join(', ')} }`;
  const block = (items: string[], open: string, close: string) => (items.length === 0 ? `${open}${close}` : `${open}\n${items.join(',\n')}\n  ${close}`);
  const parts: string[] = [];
  if (policy.$schema !== undefined) parts.push(`  "$schema": ${JSON.stringify(policy.$schema)}`);
  parts.push(`  "version": ${policy.version}`);
  parts.push(
    `  "keys": ${block(
      Object.entries(policy.keys).map(([key, spec]) => `    ${JSON.stringify(key)}: ${flat(spec)}`),
      '{',
      '}',
    )}`,
  );
  if (policy.rules !== undefined)
    parts.push(
      `  "rules": ${block(
        policy.rules.map((rule) => `    ${flat(rule)}`),
        '[',
        ']',
      )}`,
    );
  if (policy.allowed_paths !== undefined) parts.push(`  "allowed_paths": ${JSON.stringify(policy.allowed_paths)}`);
  // DEL, C1 and bidi controls only occur inside strings: as \uXXXX the text still parses to the same policy.
  return escapeJson(`{\n${parts.join(',\n')}\n}\n`);
}

/** Issues as a `- …` list, each escaped for the terminal. */
export function listIssues(issues: readonly string[]): string {
  return issues.map((i) => `- ${escapeText(i)}`).join('\n');
}

/** Writes `text` at `path`, creating its folder. */
export function writeText(path: string, text: string): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, text);
}
