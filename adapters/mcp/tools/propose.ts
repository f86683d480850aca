/**
 * `propose`: the agent's answer, checked at once as the loop will check it (strict envelope, then
 * the policy against the incumbent's config). Errors go back to the agent and nothing is written;
 * a valid answer becomes proposals/next_config.json, which the loop reads and validates again
 * after the agent exits (the loop stays the authority).
 */
import { relative } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { resumeCheckpoint } from '../../../domain/run/launch-plan.js';
import { capProblems, summarizeProblems } from '../../../domain/policy/problems.js';
import { parseProposalText, type Proposal } from '../../../domain/policy/proposal.js';
import { splitUnlisted } from '../../../domain/text/strict-json.js';
import { fromRecordable, toRecordable } from '../../../domain/policy/recordable.js';
import { validateOverrides, type ConfigChange, type Normalization, type ValidationError } from '../../../domain/policy/validate.js';
import { ROOT_KEYS } from '../../../domain/policy/validation-error.js';
import { checkpointPointers, knownCheckpoints } from '../../../projections/view.js';
import { atomicWrite } from '../../projection-files.js';
import type { AuditLog } from '../audit-log.js';
import { errorResult, jsonResult } from '../results.js';
import type { McpWorkspace } from '../workspace.js';

/** Where a `propose` call ended. */
export type ProposeOutcome =
  | { ok: true; proposal: Proposal; base: string; override: Record<string, unknown>; diff: ConfigChange[]; normalizations: Normalization[] }
  | { ok: false; base: string | null; errors: ValidationError[] };

/** What the `propose` tool needs besides the workspace. */
export interface ProposeContext {
  ws: McpWorkspace;
  audit: AuditLog | null;
  /** The run being proposed (from --run or AUTOPILOT_RUN_ID), named in the confirmation only. */
  runId: string | null;
  /** Diagnostics (stderr in the CLI): one line per call. */
  log?: (line: string) => void;
}

/**
 * Checks `args` (the tool's arguments as received: `{overrides, rationale, hypothesis}`) the way
 * the loop checks proposals/next_config.json: the JSON text strictly (size, depth, forbidden keys),
 * the envelope (a missing or empty rationale or hypothesis is a `shape` error like any other), then
 * `validateOverrides` against the base. Pure apart from reading the workspace.
 */
export function checkProposal(ws: McpWorkspace, args: Record<string, unknown>): ProposeOutcome {
  // Through the text, so the limits the loop applies when it reads the file apply here too.
  const parsed = parseProposalText(JSON.stringify(args));
  if (!parsed.ok) return { ok: false, base: null, errors: parsed.errors };
  const policy = ws.policy();
  const view = ws.view();
  const base = ws.base(view);
  // The loop validates the proposal as recorded in the log; do the same round trip.
  const result = validateOverrides(fromRecordable(toRecordable(parsed.proposal.overrides)), base.config, policy);
  if (!result.ok) return { ok: false, base: base.label, errors: result.errors };
  // As the loop's launch plan does: a checkpoint to resume from must be one the log knows.
  const pointers = checkpointPointers(view);
  const resume = resumeCheckpoint(result.config, result.override, {
    latest: pointers.latest?.path ?? null,
    best: pointers.best?.path ?? null,
    known: knownCheckpoints(view),
  });
  if (!resume.ok) return { ok: false, base: base.label, errors: [resume.error] };
  return { ok: true, proposal: parsed.proposal, base: base.label, override: result.override, diff: result.diff, normalizations: result.normalizations };
}

/**
 * The proposal file's text: exactly the envelope, one compact JSON object and a newline. Compact,
 * so it is never larger than the text {@link checkProposal} checked against the loop's size limit.
 */
export function proposalFileText(p: Proposal): string {
  return `${JSON.stringify({ overrides: p.overrides, rationale: p.rationale, hypothesis: p.hypothesis })}\n`;
}

/** Runs `propose`: check, then write proposals/next_config.json (temp + rename) when valid; every call is audited. */
export function propose(ctx: ProposeContext, args: Record<string, unknown>): CallToolResult {
  const file = relative(ctx.ws.paths.root, ctx.ws.paths.nextConfig);
  const outcome = audited(ctx, args, 'workspace', () => checkProposal(ctx.ws, args));
  if (!outcome.ok) {
    // As in the loop, only the first limits.max_problems errors go back; the rest are counted.
    const { listed, unlisted } = splitUnlisted(outcome.errors);
    const capped = capProblems(listed, ctx.ws.maxProblems(), unlisted);
    const total = listed.length + unlisted;
    ctx.audit?.record(args, capped.errors);
    ctx.log?.(`propose: rejected (${summarizeProblems(capped.errors, capped.omitted)})`);
    return errorResult({
      ok: false,
      message:
        `proposal rejected (${total} error${total === 1 ? '' : 's'}${capped.omitted > 0 ? `, the first ${capped.errors.length} listed` : ''}); ` +
        'nothing was written. Fix every error and call propose again.',
      ...(outcome.base ? { base: outcome.base } : {}),
      errors: capped.errors.map(forAgent),
      ...(capped.omitted > 0 ? { errors_omitted: capped.omitted } : {}),
    });
  }
  // Never through a link: a proposals/ folder an agent swapped for a symlink is refused, not repaired, so the loop sees what it did.
  audited(ctx, args, 'write', () => atomicWrite(ctx.ws.paths.root, ctx.ws.paths.nextConfig, proposalFileText(outcome.proposal), { repair: false }));
  ctx.audit?.record(args, null);
  ctx.log?.(`propose: wrote ${file} (${outcome.diff.length} change${outcome.diff.length === 1 ? '' : 's'})`);
  return jsonResult({
    ok: true,
    message: `proposal${ctx.runId ? ` for run ${ctx.runId}` : ''} is valid and was written to ${file}. ` + 'The loop validates it again after you exit; calling propose again replaces it.',
    base: outcome.base,
    override: outcome.override,
    diff: outcome.diff,
    normalizations: outcome.normalizations,
  });
}

/** Runs `step`; when it throws (a missing baseline, an unwritable folder), the call is audited as failed before the error goes on to the agent. */
function audited<T>(ctx: ProposeContext, args: Record<string, unknown>, rule: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.audit?.record(args, [{ key: ROOT_KEYS.proposal, value: null, expected: 'a readable workspace and a writable proposals/ folder', rule, message }]);
    throw error;
  }
}

/** An error as the agent reads it: what was wrong (`key`, `value`, `rule`, `message`) and what is `allowed`. */
function forAgent(e: ValidationError): { key: string; value: unknown; rule: string; allowed: string; message: string } {
  // A missing field reads better as null than as the log's `{"$unsupported": "undefined"}` marker.
  return { key: e.key, value: e.value === undefined ? null : toRecordable(e.value), rule: e.rule, allowed: e.expected, message: e.message };
}
