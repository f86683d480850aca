/**
 * `autopilot mcp` through a real MCP client session (the SDK's Client over stdio) against the
 * compiled CLI, on workspaces a real loop filled with the fake trainer.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acquireLock, readHolder, type Lock } from '../../adapters/lock.js';
import { getPath, mergeConfig, type Config, type Scalar } from '../../domain/config/config.js';
import { removeWorkspace } from '../support/chaos.js';
import { historyWorkspace } from '../support/histories.js';
import { CLI, copyShippedWorkspace, fakeTrainerWorkspace } from '../support/workspace.js';

type Session = { client: Client; stderr: () => string };

const sessions: Session[] = [];
const workspaces: string[] = [];

/** Starts `autopilot mcp --workspace WS` and connects a client to it. */
async function connect(ws: string, env: Record<string, string> = {}, extraArgs: string[] = []): Promise<Session> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', '--workspace', ws, ...extraArgs],
    env: { ...getDefaultEnvironment(), ...env },
    stderr: 'pipe',
  });
  let err = '';
  transport.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const client = new Client({ name: 'autopilot-test', version: '0.0.0' });
  await client.connect(transport);
  const session = { client, stderr: () => err };
  sessions.push(session);
  return session;
}

async function call(s: Session, name: string, args: Record<string, unknown> = {}): Promise<{ isError: boolean; text: string }> {
  const r = (await s.client.callTool({ name, arguments: args })) as CallToolResult;
  const first = r.content[0];
  if (first?.type !== 'text') throw new Error(`${name} answered without text: ${JSON.stringify(r)}`);
  return { isError: r.isError === true, text: first.text };
}

async function callJson<T>(s: Session, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const r = await call(s, name, args);
  expect(r.isError, r.text).toBe(false);
  return JSON.parse(r.text) as T;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const readLines = (path: string): Record<string, unknown>[] =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : [];

async function loop(ws: string, runs: number): Promise<void> {
  const r = await execa(process.execPath, [CLI, 'loop', '--runs', String(runs), '--workspace', ws], { reject: false, all: true });
  expect(r.exitCode, r.all).toBe(0);
}

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.client.close();
});
afterAll(() => {
  for (const ws of workspaces.splice(0)) removeWorkspace(ws);
});

type RunsAnswer = {
  total: number;
  shown: number;
  note?: string;
  incumbent: { run_id: string; metric: string; mean: number; n: number } | null;
  runs: {
    run_id: string;
    kind: string;
    status: string;
    verdict: string | null;
    interval: [number, number] | null;
    mean: number | null;
    n: number | null;
    override: Record<string, Scalar> | null;
    rationale: string | null;
  }[];
};
type ProposeError = { key: string; value: unknown; rule: string; allowed: string; message: string };

describe('when a loop has run on the workspace', () => {
  let ws: string;
  let auditLog: string;
  let s: Session;
  const envelope = { overrides: { train: { update_epochs: 3 }, 'train.ent_coef': 0.02 }, rationale: 'more passes per batch', hypothesis: 'mean_reward rises' };

  beforeAll(async () => {
    // A three-run loop's log, imported from its committed fixture (test/support/histories.ts).
    ws = await historyWorkspace('loop-3');
    workspaces.push(ws);
    auditLog = join(ws, 'logs', 'mcp-calls.jsonl');
  });
  const open = () => connect(ws, { AUTOPILOT_MCP_LOG: auditLog, AUTOPILOT_RUN_ID: '004' }).then((x) => (s = x));

  it('lists exactly the five tools, propose requiring overrides, rationale and hypothesis', async () => {
    await open();
    const { tools } = await s.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['list_runs', 'get_run', 'get_policy', 'get_labbook', 'propose']);
    const propose = tools.find((t) => t.name === 'propose')!;
    expect(propose.inputSchema.required).toEqual(['overrides', 'rationale', 'hypothesis']);
    expect(propose.inputSchema.properties).toMatchObject({ overrides: { type: 'object' }, rationale: { type: 'string' }, hypothesis: { type: 'string' } });
    expect(tools.find((t) => t.name === 'get_run')!.inputSchema.required).toEqual(['run_id']);
    expect(s.stderr()).toContain('serving');
  });

  it('list_runs gives every run newest last, with the status, verdict, interval and mean the log holds, and the incumbent', async () => {
    await open();
    const status = JSON.parse((await execa(process.execPath, [CLI, 'status', '--json', '--workspace', ws])).stdout) as {
      runs: { run_id: string; kind: string; status: string; verdict: string | null; mean: number | null; n: number | null }[];
      incumbent: unknown;
    };
    const answer = await callJson<RunsAnswer>(s, 'list_runs');
    expect(answer.total).toBe(3);
    expect(answer.runs.map((r) => r.run_id)).toEqual(['001', '002', '003']);
    expect(answer.incumbent).toEqual(status.incumbent);
    for (const [i, r] of answer.runs.entries()) {
      const st = status.runs[i]!;
      expect(r).toMatchObject({ run_id: st.run_id, kind: st.kind, status: st.status, verdict: st.verdict, mean: st.mean, n: st.n });
      const summary = readJson<{ evaluation: { interval: unknown } | null }>(join(ws, 'runs', r.run_id, 'summary.json'));
      expect(r.interval).toEqual(summary.evaluation?.interval ?? null);
      expect(r.override).toEqual(readJson(join(ws, 'runs', r.run_id, 'override.json')));
      expect(typeof r.rationale).toBe('string');
    }

    const newest = await callJson<RunsAnswer>(s, 'list_runs', { limit: 1 });
    expect(newest).toMatchObject({ total: 3, shown: 1 });
    expect(newest.runs.map((r) => r.run_id)).toEqual(['003']);
    expect(newest.note).toContain('the newest 1 of 3 runs');
  });

  it("get_run gives the run's projection files as written, by padded or bare id", async () => {
    await open();
    const dir = join(ws, 'runs', '002');
    const answer = await callJson<Record<string, unknown>>(s, 'get_run', { run_id: '002' });
    expect(answer['run_id']).toBe('002');
    expect(answer['run']).toEqual(readJson(join(dir, 'run.json')));
    expect(answer['summary']).toEqual(readJson(join(dir, 'summary.json')));
    expect(answer['override']).toEqual(readJson(join(dir, 'override.json')));
    expect(answer['config_diff']).toEqual(readJson(join(dir, 'config_diff.json')));
    expect(answer['config']).toEqual(readJson(join(dir, 'config.json')));
    expect(answer['notes']).toBe(readFileSync(join(dir, 'notes.txt'), 'utf8'));
    expect(await callJson(s, 'get_run', { run_id: '2' })).toEqual(answer);
  });

  it('get_run of an unknown run is a tool error naming the runs that exist, and the server stays up', async () => {
    await open();
    const r = await call(s, 'get_run', { run_id: '042' });
    expect(r.isError).toBe(true);
    expect(r.text).toContain('no run "042"');
    expect(r.text).toContain('001, 002, 003');
    expect((await callJson<RunsAnswer>(s, 'list_runs')).total).toBe(3);
  });

  it("get_policy gives every key with its type, range, distribution and description, its current value in the incumbent's config, and the rules", async () => {
    await open();
    const policy = readJson<{ keys: Record<string, Record<string, unknown>>; rules: Record<string, unknown>[] }>(join(ws, 'policy.json'));
    const best = readJson<{ run_id: string | null; override: Record<string, Scalar> }>(join(ws, 'runs', 'best.json'));
    const base = mergeConfig(readJson<Config>(join(ws, 'configs', 'baseline_quick.json')), best.override ?? {});
    const answer = await callJson<{
      base: { incumbent: string | null; mode: string };
      keys: Record<string, Record<string, unknown>>;
      rules: Record<string, unknown>[];
      orchestrator_keys: Record<string, unknown>;
    }>(s, 'get_policy');
    expect(answer.base).toMatchObject({ incumbent: best.run_id, mode: 'quick' });
    expect(Object.keys(answer.keys)).toEqual(Object.keys(policy.keys));
    for (const [key, spec] of Object.entries(policy.keys)) expect(answer.keys[key]).toEqual({ ...spec, current: getPath(base, key) ?? null });
    expect(answer.rules).toEqual(policy.rules.map((r) => ({ ...r, text: expect.stringContaining(String(r['key'])) })));
    expect(Object.keys(answer.orchestrator_keys)).toContain('autopilot.resume_mode');
  });

  it('get_labbook gives journal/labbook.md as rendered, or its last lines', async () => {
    await open();
    const file = readFileSync(join(ws, 'journal', 'labbook.md'), 'utf8');
    expect((await call(s, 'get_labbook')).text).toBe(file);
    const tail = await call(s, 'get_labbook', { tail: 2 });
    const lines = file.trimEnd().split('\n');
    expect(tail.text.trimEnd().split('\n').slice(-2)).toEqual(lines.slice(-2));
    expect(tail.text).toContain(`the last 2 of ${lines.filter((l) => l.startsWith('- ')).length} lines`);
  });

  it('propose with an out-of-range value is a tool error naming the key and its range, and writes nothing but the audit line', async () => {
    await open();
    const file = join(ws, 'proposals', 'next_config.json');
    const before = readFileSync(file, 'utf8');
    const calls = readLines(auditLog).length;
    const r = await call(s, 'propose', { ...envelope, overrides: { train: { learning_rate: 5 } } });
    expect(r.isError).toBe(true);
    const answer = JSON.parse(r.text) as { ok: boolean; errors: ProposeError[] };
    expect(answer.ok).toBe(false);
    expect(answer.errors).toEqual([
      {
        key: 'train.learning_rate',
        value: 5,
        rule: 'range',
        allowed: 'number in [0.0001, 0.05]',
        message: 'train.learning_rate = 5 is out of range: allowed number in [0.0001, 0.05]',
      },
    ]);
    expect(readFileSync(file, 'utf8')).toBe(before);
    const logged = readLines(auditLog).slice(calls);
    expect(logged).toEqual([
      {
        at: expect.any(String),
        ok: false,
        errors: [expect.objectContaining({ key: 'train.learning_rate', rule: 'range', expected: 'number in [0.0001, 0.05]' })],
        overrides: { train: { learning_rate: 5 } },
        rationale: envelope.rationale,
        hypothesis: envelope.hypothesis,
      },
    ]);
  });

  it('propose without a rationale, or with an empty hypothesis, is rejected like an invalid key (rule shape), every envelope error at once', async () => {
    await open();
    const file = join(ws, 'proposals', 'next_config.json');
    const before = readFileSync(file, 'utf8');
    const missing = await call(s, 'propose', { overrides: envelope.overrides, hypothesis: envelope.hypothesis });
    expect(missing.isError).toBe(true);
    expect((JSON.parse(missing.text) as { errors: ProposeError[] }).errors).toEqual([
      { key: 'rationale', value: null, rule: 'shape', allowed: 'a non-empty string', message: expect.stringContaining('is missing') },
    ]);
    const several = await call(s, 'propose', { overrides: { train: { bogus: 1 } }, rationale: 'why', hypothesis: '  ', extra: true });
    expect(several.isError).toBe(true);
    const errors = (JSON.parse(several.text) as { errors: ProposeError[] }).errors;
    expect(errors.map((e) => [e.key, e.rule])).toEqual([
      ['extra', 'shape'],
      ['hypothesis', 'shape'],
    ]);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readLines(auditLog).at(-1)).toMatchObject({ ok: false, rationale: 'why', hypothesis: '  ' });
  });

  it('a valid propose writes proposals/next_config.json with exactly the envelope, returns the diff, and is audited', async () => {
    await open();
    const file = join(ws, 'proposals', 'next_config.json');
    const calls = readLines(auditLog).length;
    const answer = await callJson<{ ok: boolean; message: string; diff: { key: string; to: unknown }[]; override: Record<string, Scalar> }>(s, 'propose', envelope);
    expect(answer.ok).toBe(true);
    expect(answer.message).toContain('run 004');
    expect(answer.override).toEqual({ 'train.ent_coef': 0.02, 'train.update_epochs': 3 });
    expect(answer.diff.map((c) => c.key)).toEqual(expect.arrayContaining(['train.ent_coef']));
    expect(readFileSync(file, 'utf8')).toBe(`${JSON.stringify(envelope)}\n`);
    expect(readLines(auditLog).slice(calls)).toEqual([{ at: expect.any(String), ok: true, ...envelope }]);
    expect(readdirSync(join(ws, 'proposals')).filter((name) => name.includes('.tmp'))).toEqual([]);

    // The loop agrees: the file validates as the loop validates it.
    const v = await execa(process.execPath, [CLI, 'validate', file, '--workspace', ws, '--json'], { reject: false });
    expect(v.exitCode, v.stdout + v.stderr).toBe(0);
  });
});

describe('when a loop runs while the server is up', () => {
  it('does not hold the lock, and sees the runs the loop adds without a restart', async () => {
    const ws = fakeTrainerWorkspace();
    workspaces.push(ws);
    const s = await connect(ws);
    expect(await callJson<RunsAnswer>(s, 'list_runs')).toMatchObject({ total: 0, runs: [], incumbent: null });
    expect((await call(s, 'get_run', { run_id: '001' })).text).toContain('the log holds no runs yet');

    await loop(ws, 2); // it takes the workspace lock: it would fail if the server held it
    const answer = await callJson<RunsAnswer>(s, 'list_runs');
    expect(answer.runs.map((r) => r.run_id)).toEqual(['001', '002']);
    expect(answer.incumbent).not.toBeNull();
    expect((await call(s, 'get_labbook')).text).toBe(readFileSync(join(ws, 'journal', 'labbook.md'), 'utf8'));

    await loop(ws, 1);
    expect((await callJson<RunsAnswer>(s, 'list_runs')).total).toBe(3);
  });
});

describe('when another process holds the workspace lock', () => {
  let lock: Lock | null = null;
  afterEach(() => {
    lock?.release();
    lock = null;
  });

  it('reads the log and accepts a proposal all the same, leaving the lock with its holder', async () => {
    const ws = fakeTrainerWorkspace();
    workspaces.push(ws);
    await loop(ws, 1);
    const lockFile = join(ws, 'autopilot.lock');
    lock = acquireLock(lockFile);
    const s = await connect(ws);
    expect((await callJson<RunsAnswer>(s, 'list_runs')).runs.map((r) => r.run_id)).toEqual(['001']);
    const answer = await callJson<{ ok: boolean }>(s, 'propose', { overrides: { 'train.gamma': 0.98 }, rationale: 'r', hypothesis: 'h' });
    expect(answer.ok).toBe(true);
    expect(readJson(join(ws, 'proposals', 'next_config.json'))).toEqual({ overrides: { 'train.gamma': 0.98 }, rationale: 'r', hypothesis: 'h' });
    expect(readHolder(lockFile)).toBe(process.pid);
  });
});

describe('when the workspace is missing', () => {
  it('serves anyway and answers every tool with an error naming the directory and what is expected', async () => {
    const ws = copyShippedWorkspace();
    workspaces.push(ws);
    const dir = join(ws, '..', 'nowhere');
    const s = await connect(dir);
    expect((await s.client.listTools()).tools).toHaveLength(5);
    for (const [name, args] of [
      ['list_runs', {}],
      ['get_policy', {}],
      ['propose', { overrides: {}, rationale: 'r', hypothesis: 'h' }],
    ] as const) {
      const r = await call(s, name, args);
      expect(r.isError, name).toBe(true);
      expect(r.text).toContain(`${dir} is not an autopilot workspace (no autopilot.json); pass --workspace DIR`);
    }
    expect(s.stderr()).toContain('warning:');
  });
});

describe('when the server is driven over raw stdio', () => {
  it('writes nothing but JSON-RPC messages to stdout, and exits 0 when its client closes stdin', async () => {
    const ws = copyShippedWorkspace();
    workspaces.push(ws);
    const child = spawn(process.execPath, [CLI, 'mcp', '--workspace', ws], { stdio: ['pipe', 'pipe', 'pipe'] });
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (l) => lines.push(l));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const send = (m: object) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...m })}\n`);
    send({ id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } });
    send({ method: 'notifications/initialized' });
    send({ id: 2, method: 'tools/call', params: { name: 'get_labbook', arguments: {} } });
    send({ id: 3, method: 'tools/call', params: { name: 'propose', arguments: { overrides: { 'train.learning_rate': 0.002 }, rationale: 'r', hypothesis: 'h' } } });
    await waitFor(() => lines.length >= 3);
    child.stdin.end();
    expect(await exited).toBe(0);
    const messages = lines.map((l) => JSON.parse(l) as { jsonrpc: string; id: number; result: { isError?: boolean } });
    expect(messages.map((m) => [m.jsonrpc, m.id])).toEqual([
      ['2.0', 1],
      ['2.0', 2],
      ['2.0', 3],
    ]);
    expect(messages[2]!.result.isError).toBeUndefined();
    expect(statSync(join(ws, 'proposals', 'next_config.json')).size).toBeGreaterThan(3);
  });

  it('refuses a relative AUTOPILOT_MCP_LOG with exit 2', async () => {
    const ws = copyShippedWorkspace();
    workspaces.push(ws);
    const r = await execa(process.execPath, [CLI, 'mcp', '--workspace', ws], { reject: false, env: { AUTOPILOT_MCP_LOG: 'calls.jsonl' }, input: '' });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('AUTOPILOT_MCP_LOG must be an absolute file path');
  });

  it('refuses an AUTOPILOT_MCP_LOG outside the workspace with exit 2, naming it and what is allowed, and writes nothing there', async () => {
    const ws = copyShippedWorkspace();
    workspaces.push(ws);
    const outside = join(ws, '..', 'calls.jsonl');
    const r = await execa(process.execPath, [CLI, 'mcp', '--workspace', ws], { reject: false, env: { AUTOPILOT_MCP_LOG: outside }, input: '' });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`AUTOPILOT_MCP_LOG ${outside} is not inside the workspace ${ws}: it must name a file in it`);
    expect(existsSync(outside)).toBe(false);
  });
});

async function waitFor(probe: () => boolean, limitMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!probe()) {
    if (Date.now() - start > limitMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
