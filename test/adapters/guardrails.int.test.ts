import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, copyShippedWorkspace, fakeTrainerCalls, FAKE_TRAINER, patchSettings } from '../support/workspace.js';

const AGENT = join(ROOT, 'test', 'fixtures', 'hostile-agent.mjs');

type Logged = { type: string; data: Record<string, unknown> };

async function events(ws: string): Promise<Logged[]> {
  const r = await execa('node', [CLI, 'events', '--json', '--workspace', ws]);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Logged);
}

/** A git repository holding a source file and, inside it, a fake-trainer workspace driven by the hostile agent. */
function repoWithWorkspace(agentEnv: Record<string, string>) {
  const repo = mkdtempSync(join(tmpdir(), 'autopilot-repo-'));
  // Outside the repository: anything the agent writes inside it is reverted.
  const records = mkdtempSync(join(tmpdir(), 'autopilot-agent-'));
  const ws = copyShippedWorkspace();
  renameSync(ws, join(repo, 'autopilot'));
  const workspace = join(repo, 'autopilot');
  writeFileSync(join(repo, 'train.py'), 'print("the project the workspace lives in")\n');
  patchSettings(workspace, {
    trainer: { env: { AUTOPILOT_TRAINER: FAKE_TRAINER, FAKE_TRAINER_RECORD: join(repo, 'fake-trainer.jsonl') } },
    proposer: {
      kind: 'command',
      max_attempts: 2,
      command: { argv: [process.execPath, AGENT], env: { HOSTILE_AGENT_RECORD: join(records, 'agent.jsonl'), HOSTILE_OUTSIDE_FILE: join(repo, 'train.py'), ...agentEnv } },
    },
  });
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { stdio: 'pipe' });
  git('init', '-q');
  git('-c', 'user.email=t@t', '-c', 'user.name=t', 'add', '-A');
  git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'fixture');
  return { repo, workspace, records };
}

function contents(dir: string, rels: string[]): Map<string, string | null> {
  return new Map(rels.map((r) => [r, existsSync(join(dir, r)) ? readFileSync(join(dir, r), 'utf8') : null]));
}

// Each test has its own workspace and waits on the processes it starts: the tests run at once.
describe.concurrent('when an agent proposer changes files it may not touch', () => {
  it('reverts every change inside and outside the workspace, records it, and still validates its proposal', async () => {
    const { repo, workspace } = repoWithWorkspace({
      HOSTILE_AGENT_ACTIONS: 'edit-config,edit-policy,edit-script,delete-prompt,create-file,edit-outside,create-outside',
    });
    const guarded = ['configs/baseline_quick.json', 'policy.json', 'scripts/run_training.sh', 'prompts/propose.md', 'autopilot.json'];
    const before = contents(workspace, guarded);
    const outsideBefore = readFileSync(join(repo, 'train.py'), 'utf8');

    const r = await execa('node', [CLI, 'loop', '--runs', '2', '--workspace', workspace], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);

    expect(contents(workspace, guarded)).toEqual(before);
    expect(existsSync(join(workspace, 'configs/evil.json'))).toBe(false);
    expect(readFileSync(join(repo, 'train.py'), 'utf8')).toBe(outsideBefore);
    expect(existsSync(join(repo, 'dropped.txt'))).toBe(false);

    const log = await events(workspace);
    const violation = log.find((e) => e.type === 'GuardrailViolation');
    expect(violation?.data.action).toBe('reverted');
    const changed = (violation?.data.paths as { path: string; change: string; restored: boolean }[]).map((p) => [p.path, p.change, p.restored]);
    expect(changed).toEqual(
      expect.arrayContaining([
        ['configs/baseline_quick.json', 'modified', true],
        ['policy.json', 'modified', true],
        ['scripts/run_training.sh', 'modified', true],
        ['prompts/propose.md', 'deleted', true],
        ['configs/evil.json', 'created', true],
        [join(repo, 'train.py'), 'modified', true],
        [join(repo, 'dropped.txt'), 'created', true],
      ]),
    );
    expect(readFileSync(join(workspace, 'journal/labbook.md'), 'utf8')).toMatch(/guardrail violation, reverted/);
    // The proposal itself is still judged on its merits: run 002 trained with it.
    const accepted = log.find((e) => e.type === 'ProposalAccepted' && e.data.runId === '002');
    expect(accepted?.data.override).toEqual({ 'train.learning_rate': 0.003 });
  });

  it('gives the agent the last run’s variables and the proposal file', async () => {
    const { records, workspace } = repoWithWorkspace({});
    const r = await execa('node', [CLI, 'loop', '--runs', '2', '--workspace', workspace], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    const calls = readFileSync(join(records, 'agent.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { env: Record<string, string> });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.env).toMatchObject({
      PUFFER_AUTOPILOT_RUN_ID: '001',
      PUFFER_AUTOPILOT_RUN_DIR: join(workspace, 'runs', '001'),
      PUFFER_AUTOPILOT_SUMMARY: join(workspace, 'runs', '001', 'trainer_summary.json'),
      AUTOPILOT_RUN_ID: '002',
      AUTOPILOT_PROPOSAL_FILE: join(workspace, 'proposals', 'next_config.json'),
    });
  });
});

describe.concurrent('when an agent proposer fails', () => {
  it('falls back to the built-in proposer for the run when configured, and says so in the labbook', async () => {
    const { workspace } = repoWithWorkspace({ HOSTILE_AGENT_ACTIONS: 'crash' });
    patchSettings(workspace, { proposer: { on_exhausted: 'fallback' } });
    const r = await execa('node', [CLI, 'loop', '--runs', '2', '--workspace', workspace], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    const log = await events(workspace);
    // A crashed agent is not asked again when a fallback is configured: the built-in optimizer proposes at once.
    expect(log.filter((e) => e.type === 'ProposalFailed').map((e) => e.data.reason)).toEqual(['crashed']);
    const requested = log.filter((e) => e.type === 'ProposalRequested');
    expect(requested.at(-1)?.data).toMatchObject({ proposer: 'builtin', fallbackFrom: 'command' });
    expect(log.find((e) => e.type === 'ProposalAccepted' && e.data.runId === '002')?.data.proposer).toBe('builtin');
    expect(readFileSync(join(workspace, 'journal/labbook.md'), 'utf8')).toMatch(
      /ask builtin instead of command \(attempt 2\) \| command crashed: exited with .* \| fell back to the built-in proposer/,
    );
  });

  it('halts with the reason when it answers with garbage every time and no fallback is configured', async () => {
    const { workspace } = repoWithWorkspace({ HOSTILE_AGENT_PROPOSAL: '{"overrides": {"train": {"learning_rate": NaN}}, "rationale": "x"' });
    const r = await execa('node', [CLI, 'loop', '--runs', '2', '--workspace', workspace], { reject: false, all: true });
    expect(r.exitCode).toBe(1);
    const log = await events(workspace);
    expect(log.filter((e) => e.type === 'ProposalRejected')).toHaveLength(2);
    expect(log.find((e) => e.type === 'LoopHalted')?.data.reason).toMatch(/no valid proposal after 2 attempt/);
    expect(log.some((e) => e.type === 'RunStarted' && e.data.runId === '002')).toBe(false);
  });
});

describe.concurrent('when a config value looks like shell code', () => {
  it('reaches the trainer as literal argv text through run_training.sh', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'pwned-')), 'pwned');
    const hostile = [`; touch ${marker} #`, '$(id)', '`id`', '\' " \\ \n'];
    const { repo, workspace } = repoWithWorkspace({
      HOSTILE_AGENT_PROPOSAL: JSON.stringify({ overrides: { train: { note: hostile[0] } }, rationale: 'r', hypothesis: 'h' }),
    });
    const policy = JSON.parse(readFileSync(join(workspace, 'policy.json'), 'utf8'));
    policy.keys['train.note'] = { type: 'enum', choices: hostile };
    writeFileSync(join(workspace, 'policy.json'), JSON.stringify(policy));
    const baseline = JSON.parse(readFileSync(join(workspace, 'configs/baseline_quick.json'), 'utf8'));
    baseline.train.note = hostile[1];
    writeFileSync(join(workspace, 'configs/baseline_quick.json'), JSON.stringify(baseline));
    const r = await execa('node', [CLI, 'loop', '--runs', '2', '--workspace', workspace], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    const calls = readFileSync(join(repo, 'fake-trainer.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { argv: string[] });
    const notes = calls.map((c) => c.argv[c.argv.indexOf('--train.note') + 1]);
    expect(notes).toEqual([hostile[1], hostile[0]]);
    expect(existsSync(marker)).toBe(false);
  });
});

describe.concurrent('when the environment holds secrets', () => {
  // Fake credentials, built at run time so no scanner mistakes this file for a leak.
  const githubToken = `ghp_${'a1B2c3D4e5'.repeat(4)}`;
  const agentToken = `hf_${'Z9y8X7w6V5'.repeat(3)}`;
  const pemBody = 'MIIEowIBAAKCAQEAsekritPemBody0815';
  const pem = `-----BEGIN PRIVATE KEY-----\n${pemBody}\n-----END PRIVATE KEY-----\n`;
  const byName: Record<string, string> = {
    WANDB_API_KEY: 'sekrit-wandb-4711',
    HF_TOKEN: 'sekrit-hf-0815',
    MY_APIKEY: 'sekrit-myapikey-1',
    HF_AUTH: 'sekrit-hfauth-2',
    PRIVATE_KEY_PEM: 'sekrit-privatekeypem-3',
    API_KEY_ID: 'sekrit-apikeyid-4',
    OPENAI_API_KEY_2: 'sekrit-openai2-5',
    PASSWD: 'sekrit-passwd-6',
    CREDENTIALS: 'sekrit-credentials-7',
  };

  it('never writes their values to the event log, an export or the projections, by name or by value', async () => {
    const ws = copyShippedWorkspace();
    patchSettings(ws, {
      trainer: {
        // A token as a trainer argument, passed on to the trainer by run_training.sh.
        command: ['bash', 'scripts/run_training.sh', '--hub', githubToken],
        env: {
          AUTOPILOT_TRAINER: FAKE_TRAINER,
          FAKE_TRAINER_RECORD: join(ws, 'fake-trainer.jsonl'),
          ...byName,
          DATABASE_URL: 'postgres://u:hunter2@db/x',
          SSH_IDENTITY: pem,
          WANDB_KEY_ID: 'key-id-on-record-42',
        },
      },
      // The proposer's own argv is recorded with each proposal: a secret there is redacted too.
      proposer: { kind: 'command', command: { argv: [process.execPath, AGENT, '--api-key', 'sekrit-agent-argv-31337', agentToken] } },
      secrets: { record: ['WANDB_KEY_ID'] },
    });
    const r = await execa('node', [CLI, 'loop', '--runs', '2', '--workspace', ws], {
      reject: false,
      all: true,
      env: { OPENAI_API_KEY: 'sekrit-openai-1234', DB_PASSWORD: 'sekrit-db-9999' },
    });
    expect(r.exitCode, r.all).toBe(0);
    // The trainer did get them.
    const calls = fakeTrainerCalls(ws);
    expect(calls.length).toBe(2);
    expect(calls[0]!.argv.slice(0, 2)).toEqual(['--hub', githubToken]);
    const exported = join(ws, 'export.jsonl');
    await execa('node', [CLI, 'export', '--out', exported, '--workspace', ws]);
    const recorded = [readFileSync(exported, 'utf8'), readFileSync(join(ws, 'events.db')).toString('latin1')];
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
    for (const f of [...walk(join(ws, 'journal')), ...walk(join(ws, 'runs')), ...walk(join(ws, 'proposals'))])
      if (!/trainer_summary|train\.log|checkpoints/.test(f)) recorded.push(readFileSync(f, 'utf8'));
    expect(recorded.length).toBeGreaterThan(8);
    const secrets = [...Object.values(byName), 'hunter2', pemBody, githubToken, agentToken, 'sekrit-agent-argv-31337', 'sekrit-openai-1234', 'sekrit-db-9999'];
    for (const text of recorded) for (const secret of secrets) expect(text).not.toContain(secret);

    const log = await events(ws);
    const started = log.find((e) => e.type === 'RunStarted');
    expect(started?.data.env).toMatchObject({
      ...Object.fromEntries(Object.keys(byName).map((k) => [k, '<redacted>'])),
      DATABASE_URL: '<redacted>',
      SSH_IDENTITY: '<redacted>\n',
      WANDB_KEY_ID: 'key-id-on-record-42',
      PUFFER_AUTOPILOT_RUN_ID: '001',
    });
    expect((started?.data.argv as string[]).slice(2, 4)).toEqual(['--hub', '<redacted>']);
    const proposed = log.find((e) => e.type === 'ProposalReceived' && e.data.runId === '002');
    expect((proposed?.data.process as { argv: string[] }).argv).toEqual([process.execPath, AGENT, '--api-key', '<redacted>', '<redacted>']);
  });
});
