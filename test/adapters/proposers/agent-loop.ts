/**
 * The loop driven by the fake codex and claude CLIs (test/fixtures/fake-agent.mjs, linked on PATH
 * under both names), for the proposer end-to-end tests: a fake-trainer workspace set to ask the agent,
 * a loop run, and what it logged and what the agent was given.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { readLogDirect } from '../../support/chaos.js';
import { CLI, ROOT, fakeTrainerWorkspace, patchSettings } from '../../support/workspace.js';

const FAKE_AGENT = join(ROOT, 'test', 'fixtures', 'fake-agent.mjs');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read the payloads of every event type
export type Logged = { seq: number; type: string; data: Record<string, any> };

/** A directory with `codex` and `claude` both linked to the fake agent, for the front of PATH. */
function fakeBin(): string {
  const bin = mkdtempSync(join(tmpdir(), 'autopilot-fakebin-'));
  chmodSync(FAKE_AGENT, 0o755);
  for (const name of ['codex', 'claude']) symlinkSync(FAKE_AGENT, join(bin, name));
  return bin;
}
let bin: string | undefined;

/** How a test sets up the agent and its loop. */
export interface Setup {
  kind: 'codex' | 'claude';
  script: string[];
  settings?: Record<string, unknown>;
  runs?: number;
  extraArgs?: string[];
  /** Variables set in the loop's own environment. */
  env?: Record<string, string>;
  /** Changes the workspace before the loop starts. */
  prepare?: (ws: string) => void;
}

/**
 * Runs `autopilot loop` (2 runs unless told) with the fake agent as the proposer; returns the loop's
 * result, its log (read from events.db: a fresh loop writes every event at its current version, as
 * `events --json` prints it), the agent's recorded calls, and the environment to run it again with.
 */
export async function runWithAgent(s: Setup) {
  // Workers run file after file (isolate: false): a folder made under an earlier file's temp root is gone with it.
  if (bin === undefined || !existsSync(bin)) bin = fakeBin();
  const ws = fakeTrainerWorkspace();
  const dir = mkdtempSync(join(tmpdir(), 'autopilot-fakeagent-'));
  patchSettings(ws, { proposer: { kind: s.kind, max_attempts: 2, [s.kind]: { no_output_seconds: 15, wall_seconds: 60 } }, statistics: { replicates: 0 } });
  patchSettings(ws, s.settings ?? {});
  s.prepare?.(ws);
  const env = { PATH: `${bin}:${process.env.PATH}`, FAKE_AGENT_DIR: dir, FAKE_AGENT_SCRIPT: JSON.stringify(s.script), ...s.env };
  const loop = await execa(process.execPath, [CLI, 'loop', '--workspace', ws, '--runs', String(s.runs ?? 2), ...(s.extraArgs ?? [])], {
    env,
    reject: false,
    all: true,
  });
  const events = readLogDirect(ws) as Logged[];
  const calls = (n: number) => JSON.parse(readFileSync(join(dir, `call-${n}.json`), 'utf8'));
  const of = (type: string) => events.filter((e) => e.type === type && e.data.runId !== '001');
  return { ws, dir, loop, events, of, calls, env };
}

/** The argv of the `autopilot mcp` server the proposer of `runId` is given. */
export const mcpArgs = (ws: string, runId: string) => [join(ROOT, 'bin', 'autopilot.js'), 'mcp', '--workspace', ws, '--run', runId];
