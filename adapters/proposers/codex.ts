/**
 * The `codex` proposer: `codex exec` headless with the rendered prompt, in Codex's
 * `workspace-write` sandbox rooted at the workspace unless autopilot.json opts out
 * (`dangerously_bypass_approvals_and_sandbox`, recorded with the proposal). The `autopilot mcp`
 * server is passed with `-c mcp_servers.autopilot.*` overrides; its tools are pre-approved
 * because `codex exec` cannot ask (openai/codex#24135), and the prompt offers the file as the
 * other way to answer. Codex reports its thread id and token usage in its `--json` events. A
 * prompt too large for one argument goes on stdin (`-` in its place: `codex exec` then reads it
 * from stdin; with a prompt argument a piped stdin would be appended to it).
 */
import type { Settings } from '../../domain/config/settings.js';
import type { AgentInvocation, AgentReport, AgentSetup } from './agent-run.js';
import { jsonLine, numberFields } from './json-lines.js';
import { promptOnStdin } from './prompt-arg.js';

type CodexSettings = Settings['proposer']['codex'];

// JSON strings, arrays and quoted-key tables are valid TOML, which is what `codex -c` parses.
const toml = (v: unknown): string => JSON.stringify(v);
const tomlTable = (o: Record<string, string>): string =>
  `{${Object.entries(o)
    .map(([k, v]) => `${toml(k)}=${toml(v)}`)
    .join(',')}}`;

/** The sandbox codex runs under, as recorded with the proposal. */
export function codexSandbox(s: CodexSettings): 'read-only' | 'workspace-write' | 'bypassed' {
  return s.dangerously_bypass_approvals_and_sandbox ? 'bypassed' : s.sandbox;
}

/** The `codex exec` invocation (pure). */
export function codexInvocation(s: CodexSettings, a: AgentSetup): AgentInvocation {
  const head = [
    s.bin,
    'exec',
    '--json',
    '--skip-git-repo-check',
    '--cd',
    a.workspace,
    ...(s.dangerously_bypass_approvals_and_sandbox ? ['--dangerously-bypass-approvals-and-sandbox'] : ['--sandbox', s.sandbox]),
    ...(s.model ? ['--model', s.model] : []),
    ...(a.mcp
      ? [
          '-c',
          `mcp_servers.autopilot.command=${toml(a.mcp.command)}`,
          '-c',
          `mcp_servers.autopilot.args=${toml(a.mcp.args)}`,
          '-c',
          `mcp_servers.autopilot.env=${tomlTable(a.mcp.env)}`,
          '-c',
          'mcp_servers.autopilot.default_tools_approval_mode="approve"',
        ]
      : []),
    ...s.args,
    '--',
  ];
  const onStdin = promptOnStdin(a.prompt);
  return {
    argv: [...head, onStdin ? '-' : a.prompt],
    recordedArgv: [...head, onStdin ? '-' : '<prompt>'],
    cwd: a.workspace,
    env: a.env,
    timeouts: s,
    files: [],
    promptOnStdin: onStdin,
    settingsKey: 'proposer.codex',
    report: parseCodexOutput,
  };
}

/**
 * Reads `codex exec --json` events: the thread id, the token usage, and the last error. The usage
 * of `turn.completed` is the session's running total (cached tokens counted in `input_tokens`), so
 * the last one is kept, never a sum; `codex exec` runs one turn, so turns are not counted.
 */
export function parseCodexOutput(output: string): AgentReport {
  const report: AgentReport = {};
  for (const line of output.split('\n')) {
    const e = jsonLine(line);
    if (!e) continue;
    if (e.type === 'thread.started' && typeof e.thread_id === 'string') report.sessionId = e.thread_id;
    else if (e.type === 'turn.completed' && numberFields(e.usage)) {
      report.usage = numberFields(e.usage)!;
      report.usageMeaning = 'codex-session';
    } else if (e.type === 'turn.failed' || e.type === 'error') {
      const err = e.type === 'error' ? e : (e.error as Record<string, unknown> | undefined);
      if (err && typeof err.message === 'string') report.error = err.message.slice(0, 500);
    }
  }
  return report;
}
