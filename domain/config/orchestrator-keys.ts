/**
 * Orchestrator-only config keys: settings under the top-level `autopilot` section
 * that steer the orchestrator (how a run starts, which checkpoint it resumes from,
 * which checkpoints it keeps) rather than the trainer. A proposer may set them
 * without the policy listing them; they are checked here and never rendered as
 * trainer flags (see `renderArgs`). A policy that lists one of them wins.
 */
import { formatValue } from '../text/format.js';
import { hasOwn } from './path.js';
import type { Policy } from '../policy/policy.js';
import { ORCHESTRATOR_SECTION } from '../trainer-io/render-args.js';
import { validationError, type ValidationError } from '../policy/validation-error.js';

/** What one orchestrator key accepts: named choices, and for `resume_from` also a checkpoint path. */
export type OrchestratorKeySpec = { choices: readonly string[]; path?: 'checkpoint'; description: string };

/** The orchestrator-only keys and what each accepts. */
export const ORCHESTRATOR_KEYS: Readonly<Record<string, OrchestratorKeySpec>> = {
  'autopilot.resume_mode': { choices: ['fresh', 'continue'], description: 'start the run from scratch or continue from a checkpoint' },
  'autopilot.resume_from': {
    choices: ['latest', 'best'],
    path: 'checkpoint',
    description: 'the checkpoint to continue from: the latest, the best, or one a run recorded (its workspace-relative path)',
  },
  'autopilot.save_strategy': { choices: ['best', 'latest', 'all'], description: 'which checkpoints a run keeps' },
};

/** The longest checkpoint path accepted. */
const MAX_PATH_CHARS = 1024;

/** True for `autopilot` and every key under it. */
export function isOrchestratorSectionKey(key: string): boolean {
  return key === ORCHESTRATOR_SECTION || key.startsWith(`${ORCHESTRATOR_SECTION}.`);
}

/** True when `key` is an orchestrator-only key that `policy` does not list itself (the policy wins). */
export function isOrchestratorKey(key: string, policy: Policy): boolean {
  return hasOwn(ORCHESTRATOR_KEYS, key) && !hasOwn(policy.keys, key);
}

/** The orchestrator keys `policy` leaves to this module, sorted. */
export function orchestratorKeys(policy: Policy): string[] {
  return Object.keys(ORCHESTRATOR_KEYS)
    .filter((key) => isOrchestratorKey(key, policy))
    .sort();
}

/** What `key` accepts, e.g. `one of ["fresh", "continue"]`. */
export function describeOrchestratorKey(key: string): string {
  const spec = hasOwn(ORCHESTRATOR_KEYS, key) ? ORCHESTRATOR_KEYS[key] : undefined;
  if (spec === undefined) return 'nothing (not an orchestrator key)';
  const choices = `one of [${spec.choices.map(formatValue).join(', ')}]`;
  return spec.path === 'checkpoint' ? `${choices} or the workspace-relative path of a checkpoint a run recorded (runs/<id>/checkpoints/…)` : choices;
}

/** What the `autopilot` section accepts, for unknown-key errors under it. */
export function describeOrchestratorSection(policy: Policy): string {
  const policyKeys = Object.keys(policy.keys).filter(isOrchestratorSectionKey);
  const keys = [...new Set([...orchestratorKeys(policy), ...policyKeys])].sort();
  return `only the orchestrator keys ${keys.map((key) => `${key} (${describeOrchestratorKeyOrPolicy(key, policy)})`).join(', ')}`;
}

function describeOrchestratorKeyOrPolicy(key: string, policy: Policy): string {
  return isOrchestratorKey(key, policy) ? describeOrchestratorKey(key) : 'as policy.json allows';
}

/**
 * Checks the value of an orchestrator key: a string among its choices or, for
 * `autopilot.resume_from`, a safe relative checkpoint path. Errors have rule
 * `type` (not a string), `choices` (another word) or `path` (an unsafe path).
 */
export function checkOrchestratorValue(key: string, value: unknown): { ok: true; value: string } | { ok: false; error: ValidationError } {
  const spec = hasOwn(ORCHESTRATOR_KEYS, key) ? ORCHESTRATOR_KEYS[key] : undefined;
  const expected = describeOrchestratorKey(key);
  const fail = (rule: string, problem: string) => ({ ok: false as const, error: validationError(key, value, rule, problem, expected) });
  if (spec === undefined) return fail('unknown_key', 'is not an orchestrator key');
  if (typeof value !== 'string') return fail('type', 'is not a string');
  if (spec.choices.includes(value)) return { ok: true, value };
  if (spec.path !== 'checkpoint') return fail('choices', 'is not one of the choices');
  const problem = checkpointPathProblem(value);
  return problem === null ? { ok: true, value } : fail('path', problem);
}

/** Why `path` is not a safe relative file path inside the workspace, or null when it is. */
export function checkpointPathProblem(path: string): string | null {
  if (path.length === 0) return 'is empty';
  if (path.length > MAX_PATH_CHARS) return `is longer than ${MAX_PATH_CHARS} characters`;
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'contains a control character';
  if (path.includes('\\')) return 'contains a backslash (use / between folders)';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'is an absolute path';
  if (path.startsWith('~')) return 'starts with ~ (home directories are outside the workspace)';
  const segments = path.split('/');
  if (segments.includes('..')) return 'leaves the workspace through ..';
  if (segments.some((segment) => segment === '' || segment === '.')) return 'has an empty or . segment (name the file directly)';
  return null;
}
