/**
 * The outside proposers (codex, claude, command): what each is given — the rendered prompt, the
 * proposer environment, the `autopilot mcp` server — prepared before the request is recorded, so
 * the log holds exactly what the agent saw.
 */
import { join } from 'node:path';
import type { DataOf } from '../../events/catalogue.js';
import { inWorkspace } from '../workspace.js';
import type { LoopDeps } from '../actors/deps.js';
import { invocationFiles, proposerEnv, type AgentInvocation, type ProposerRequest } from './agent-run.js';
import { claudeInvocation } from './claude.js';
import { codexInvocation, codexSandbox } from './codex.js';
import { commandInvocation } from './command.js';
import { autopilotMcpServer } from './mcp-server.js';
import { promptFor } from './prompt.js';

/** The proposers that run as outside processes. */
export const AGENT_KINDS = ['codex', 'claude', 'command'] as const;
/** An outside proposer. */
export type AgentKind = (typeof AGENT_KINDS)[number];

/** Whether `kind` runs as an outside process. */
export function isAgentKind(kind: string): kind is AgentKind {
  return (AGENT_KINDS as readonly string[]).includes(kind);
}

/** An agent invocation ready to run, with what the request event records. */
export interface PreparedAgent {
  invocation: AgentInvocation;
  prompt: NonNullable<DataOf<'ProposalRequested'>['prompt']>;
  agent: NonNullable<DataOf<'ProposalRequested'>['agent']>;
}

/** Prepares `kind` for `req`; throws with a clear message when it is not configured or its prompt cannot be rendered. */
export function prepareAgent(deps: LoopDeps, kind: AgentKind, req: ProposerRequest): PreparedAgent {
  const p = deps.settings.proposer;
  const root = deps.paths.root;
  const files = invocationFiles(req.runId, req.attempt, req.dryRun);
  const mcpLog = join(root, files.mcpLog);
  switch (kind) {
    case 'codex': {
      const prompt = promptFor(deps, req, p.codex.mcp);
      const env = proposerEnv(deps, req, p.codex.env);
      const mcp = p.codex.mcp ? autopilotMcpServer(root, req.runId, mcpLog) : null;
      return {
        invocation: codexInvocation(p.codex, { workspace: root, prompt: prompt.text, mcp, env }),
        prompt,
        agent: { cli: 'codex', sandbox: codexSandbox(p.codex), mcp: p.codex.mcp, ...(p.codex.model ? { model: p.codex.model } : {}) },
      };
    }
    case 'claude': {
      const prompt = promptFor(deps, req, p.claude.mcp);
      const env = proposerEnv(deps, req, p.claude.env);
      const mcp = p.claude.mcp ? autopilotMcpServer(root, req.runId, mcpLog) : null;
      return {
        invocation: claudeInvocation(p.claude, { workspace: root, prompt: prompt.text, mcp, env, mcpConfigFile: join(root, files.mcpConfig) }),
        prompt,
        agent: { cli: 'claude', sandbox: 'none', mcp: p.claude.mcp, ...(p.claude.model ? { model: p.claude.model } : {}) },
      };
    }
    case 'command': {
      if (!p.command) throw new Error('proposer.command is not configured in autopilot.json (proposer.command.argv: the executable to run)');
      // A command may start `autopilot mcp` itself (its propose calls are logged where the loop reads them), but is not told to.
      const prompt = promptFor(deps, req, false);
      const env = proposerEnv(deps, req, p.command.env);
      return {
        invocation: commandInvocation(p.command, { workspace: root, prompt: prompt.text, mcp: null, env, cwd: inWorkspace(deps.paths, p.command.cwd) }),
        prompt,
        agent: { cli: 'command', sandbox: 'none', mcp: false },
      };
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown agent ${String(never)}`);
    }
  }
}
