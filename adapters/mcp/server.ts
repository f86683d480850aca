/**
 * The MCP server of a workspace: read tools over the event log (`list_runs`, `get_run`,
 * `get_policy`, `get_labbook`) and `propose`. It never takes the workspace lock nor appends to the
 * log, so it runs beside a loop; the transport is the caller's (stdio in `autopilot mcp`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { PROJECT_ROOT } from '../workspace.js';
import type { AuditLog } from './audit-log.js';
import { guardedTool } from './results.js';
import { DEFAULT_LABBOOK_TAIL, getLabbook, MAX_LABBOOK_TAIL } from './tools/labbook.js';
import { getPolicy } from './tools/policy.js';
import { propose } from './tools/propose.js';
import { DEFAULT_RUN_LIMIT, getRun, listRuns, MAX_RUN_LIMIT } from './tools/runs.js';
import { McpWorkspace } from './workspace.js';
import type { Mode } from '../../domain/config/mode.js';

/** Options of {@link createMcpServer}. */
export interface McpServerOptions {
  workspace: string;
  /** Baseline mode of the proposal base (default: the newest session's, else autopilot.json's). */
  mode?: Mode;
  /** The run being proposed, named in `propose`'s confirmation. */
  runId?: string | null;
  /** Where `propose` calls are audited (null: nowhere). */
  audit?: AuditLog | null;
  /** Diagnostics; stdout belongs to the protocol, so this writes to stderr in the CLI. */
  log: (line: string) => void;
}

const INSTRUCTIONS = [
  'autopilot tunes RL training runs; you propose the next run.',
  'Read the history first: list_runs (newest last), get_run for one run in full, get_labbook for the journal, get_policy for the keys you may change and their current values.',
  'Then call propose({overrides, rationale, hypothesis}). It is validated at once: on errors nothing is written and every error comes back (key, value, rule, allowed); fix them and call propose again.',
  'A valid proposal is written to proposals/next_config.json; the loop trains it after you exit.',
].join('\n');

/**
 * A field of `propose` whose JSON Schema tells the agent what to send (`schema`), while any value
 * reaches the handler: the envelope checks run there (parseProposal), so a missing rationale is
 * rejected with the same errors as an invalid key, and audited, rather than refused by the SDK.
 */
function anyValue(schema: Record<string, unknown>) {
  return z.unknown().meta(schema).catch(undefined);
}

const ProposeInput = z
  .looseObject({
    overrides: anyValue({
      type: 'object',
      description: 'The config keys to change and their new values, nested ({"train": {"learning_rate": 0.001}}) or dotted ({"train.learning_rate": 0.001}); only keys get_policy lists.',
    }),
    rationale: anyValue({ type: 'string', minLength: 1, description: 'Why this change, from the evidence in the history (non-empty).' }),
    hypothesis: anyValue({ type: 'string', minLength: 1, description: 'What you expect the run to show, so its verdict can confirm or refute it (non-empty).' }),
  })
  // The schema the agent sees admits only the three fields; extra ones still reach parseProposal, which names them.
  .meta({ additionalProperties: false });

/** Builds the server for `o.workspace`; nothing is read until a tool is called. */
export function createMcpServer(o: McpServerOptions): McpServer {
  const ws = new McpWorkspace(o.workspace, o.mode);
  const server = new McpServer({ name: 'autopilot', version: packageVersion() }, { instructions: INSTRUCTIONS });
  const readOnly = { readOnlyHint: true, openWorldHint: false } as const;

  server.registerTool(
    'list_runs',
    {
      title: 'List runs',
      description: `The runs in the log, newest last: id, kind, status, verdict with its confidence interval, metric mean and n, the keys it changed (override) and its rationale; plus the incumbent. The newest ${DEFAULT_RUN_LIMIT} unless limit says otherwise.`,
      inputSchema: { limit: z.number().int().min(1).max(MAX_RUN_LIMIT).optional().describe(`how many of the newest runs to list (default ${DEFAULT_RUN_LIMIT})`) },
      annotations: readOnly,
    },
    ({ limit }) => guardedTool('list_runs', o.log, () => listRuns(ws.view(), limit)),
  );
  server.registerTool(
    'get_run',
    {
      title: 'Get one run',
      description: "One run in full, as the workspace's projection files render it: run.json, override, config_diff.json, summary.json (metrics, verdict, interval), config and notes.",
      inputSchema: { run_id: z.string().min(1).describe('the run id, such as "002" (or 2)') },
      annotations: readOnly,
    },
    ({ run_id }) => guardedTool('get_run', o.log, () => getRun(ws.view(), run_id)),
  );
  server.registerTool(
    'get_policy',
    {
      title: 'Get the policy',
      description:
        'What a proposal may change: each key with its type, range (min, max) or choices, search distribution, description and current value in the base config; the orchestrator keys; the derived rules applied after the merge.',
      annotations: readOnly,
    },
    () => guardedTool('get_policy', o.log, () => getPolicy(ws)),
  );
  server.registerTool(
    'get_labbook',
    {
      title: 'Get the labbook',
      description: `journal/labbook.md: one line per action (time | action | observation | outcome | next), oldest first; the last ${DEFAULT_LABBOOK_TAIL} lines unless tail says otherwise.`,
      inputSchema: { tail: z.number().int().min(1).max(MAX_LABBOOK_TAIL).optional().describe(`how many of the last lines to show (default ${DEFAULT_LABBOOK_TAIL})`) },
      annotations: readOnly,
    },
    ({ tail }) => guardedTool('get_labbook', o.log, () => getLabbook(ws.view(), tail)),
  );
  server.registerTool(
    'propose',
    {
      title: 'Propose the next run',
      description:
        "Propose the overrides of the next run with a rationale and a hypothesis. Validated at once against the policy and the base config (the incumbent's): on errors nothing is written and every error is returned (key, value, rule, allowed, message) — fix them and call again. A valid proposal is written to proposals/next_config.json (a later call replaces it) and its normalized diff is returned.",
      inputSchema: ProposeInput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (args) => guardedTool('propose', o.log, () => propose({ ws, audit: o.audit ?? null, runId: o.runId ?? null, log: o.log }, args)),
  );
  return server;
}

/** This package's version, for the server's implementation info. */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
