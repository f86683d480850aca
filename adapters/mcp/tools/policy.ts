/** `get_policy`: what a proposal may change, with each key's current value in the config proposals are based on. */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { getPath } from '../../../domain/config/config.js';
import { describeOrchestratorKey, ORCHESTRATOR_KEYS, orchestratorKeys } from '../../../domain/config/orchestrator-keys.js';
import { describeRule } from '../../../domain/policy/rules.js';
import { WorkspaceError } from '../../workspace.js';
import { jsonResult } from '../results.js';
import type { McpWorkspace, ProposalBase } from '../workspace.js';

/** `get_policy`: policy keys (type, range, distribution, choices, description, current value), orchestrator keys, rules, allowed paths. */
export function getPolicy(ws: McpWorkspace): CallToolResult {
  const policy = ws.policy();
  let base: ProposalBase | null = null;
  let baseError: string | null = null;
  try {
    base = ws.base(ws.view());
  } catch (error) {
    // The policy is still worth reading when the baseline is missing; say why there are no current values.
    if (!(error instanceof WorkspaceError)) throw error;
    baseError = error.message;
  }
  const current = (key: string) => (base ? (getPath(base.config, key) ?? null) : undefined);
  return jsonResult({
    usage:
      'propose({overrides, rationale, hypothesis}) with overrides over these keys only, nested ({"train": {"learning_rate": 0.001}}) or dotted ({"train.learning_rate": 0.001}); ' +
      'numbers within [min, max], integers whole, enums one of choices. Overrides are applied to the base config, then the rules normalize the result.',
    base: base ? { label: base.label, mode: base.mode, incumbent: base.incumbent } : { error: baseError },
    keys: Object.fromEntries(Object.entries(policy.keys).map(([key, spec]) => [key, { ...spec, current: current(key) }])),
    orchestrator_keys: Object.fromEntries(
      orchestratorKeys(policy).map((key) => [key, { allowed: describeOrchestratorKey(key), description: ORCHESTRATOR_KEYS[key]?.description, current: current(key) }]),
    ),
    rules: (policy.rules ?? []).map((rule) => ({ ...rule, text: describeRule(rule) })),
    allowed_paths: policy.allowed_paths ?? null,
  });
}
