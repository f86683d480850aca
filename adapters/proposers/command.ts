/**
 * The `command` proposer: any executable (argv, no shell). It gets the proposer environment
 * (the last run's PUFFER_AUTOPILOT_* variables, AUTOPILOT_PROMPT_FILE with the rendered prompt,
 * AUTOPILOT_PREVIOUS_ERRORS) and answers by writing proposals/next_config.json; it may start
 * `autopilot mcp` itself, which logs to the AUTOPILOT_MCP_LOG it inherits.
 */
import type { Settings } from '../../domain/config/settings.js';
import type { AgentInvocation, AgentSetup } from './agent-run.js';

type CommandSettings = NonNullable<Settings['proposer']['command']>;

/** The command invocation (pure); `cwd` is already resolved against the workspace. */
export function commandInvocation(s: CommandSettings, a: AgentSetup & { cwd: string }): AgentInvocation {
  return { argv: s.argv, recordedArgv: s.argv, cwd: a.cwd, env: a.env, timeouts: s, files: [], promptOnStdin: false, settingsKey: 'proposer.command', report: () => ({}) };
}
