/**
 * A session is bound to its inputs: changes made without a command are put back when it resumes
 * (secrets, which the log does not keep, taken from the file as it is), `loop
 * --accept-input-changes` and `policy set` are the recorded ways to change them, and the MCP
 * server validates against the recorded policy, whatever policy.json says now.
 */
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { checkProposal } from '../../adapters/mcp/tools/propose.js';
import { McpWorkspace } from '../../adapters/mcp/workspace.js';
import { eventsOfType, loop, rawLog } from '../support/hostile.js';
import { CLI, fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';

/** A workspace whose loop was SIGKILLed while its first run trained: an unfinished session bound to its inputs. */
async function interruptedSession(env: Record<string, string> = {}) {
  const ws = fakeTrainerWorkspace({ FAKE_TRAINER_BEHAVIOUR: 'sleep:2500', WANDB_API_KEY: 'sekrit-wandb-4711', ...env });
  const child = execa('node', [CLI, 'loop', '--runs', '1', '--workspace', ws], { reject: false });
  for (let i = 0; i < 600 && eventsOfType(ws, 'RunStarted').length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGKILL');
  await child;
  return ws;
}

function widen(ws: string): string {
  const policy = JSON.parse(readFileSync(join(ws, 'policy.json'), 'utf8'));
  policy.keys['train.learning_rate'].max = 50;
  const text = `${JSON.stringify(policy, null, 2)}\n`;
  writeFileSync(join(ws, 'policy.json'), text);
  return text;
}

// Each test has its own workspace and waits on the processes it starts: the tests run at once.
describe.concurrent('a session bound to its inputs', () => {
  it('records each input’s hash and text, but no secret value', async () => {
    const ws = await interruptedSession();
    const started = eventsOfType(ws, 'LoopStarted')[0]!;
    const settings = started.data.inputs?.find((f) => f.path === 'autopilot.json');
    expect(settings).toMatchObject({ redacted: true, text: expect.stringContaining('"WANDB_API_KEY": "<redacted>"') });
    expect(started.data.inputs?.map((f) => f.path)).toEqual([
      'autopilot.json',
      'configs/baseline_full.json',
      'configs/baseline_quick.json',
      'policy.json',
      'prompts/propose.md',
      'scripts/run_training.sh',
    ]);
    expect(rawLog(ws)).not.toContain('sekrit-wandb-4711');
  });

  it('binds the execute permission of each input, and puts back an executable script that lost it or was rewritten', async () => {
    const ws = await interruptedSession();
    const inputs = eventsOfType(ws, 'LoopStarted')[0]!.data.inputs ?? [];
    expect(inputs.find((f) => f.path === 'scripts/run_training.sh')?.executable).toBe(true);
    expect(inputs.find((f) => f.path === 'policy.json')?.executable).toBe(false);
    const script = join(ws, 'scripts', 'run_training.sh');
    const text = readFileSync(script, 'utf8');
    chmodSync(script, 0o644);
    // A rewritten input comes back with its permission too (it used to come back 0644).
    writeFileSync(join(ws, 'prompts', 'propose.md'), 'rewritten\n');
    chmodSync(join(ws, 'prompts', 'propose.md'), 0o755);
    const r = await loop(ws, ['--runs', '1']);
    expect(r.exitCode, r.all).toBe(0);
    expect(statSync(script).mode & 0o111).toBe(0o111);
    expect(readFileSync(script, 'utf8')).toBe(text);
    expect(statSync(join(ws, 'prompts', 'propose.md')).mode & 0o111).toBe(0);
    const reverted = eventsOfType(ws, 'GuardrailViolation').flatMap((e) => e.data.paths);
    expect(reverted).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'scripts/run_training.sh', change: 'modified', restored: true, note: 'its execute permission was removed' }),
        expect.objectContaining({ path: 'prompts/propose.md', change: 'modified', restored: true }),
      ]),
    );
  });

  it('puts back what changed while it was interrupted, secrets included, and says so', async () => {
    const ws = await interruptedSession();
    const settingsBefore = readFileSync(join(ws, 'autopilot.json'), 'utf8');
    const policyBefore = readFileSync(join(ws, 'policy.json'), 'utf8');
    const widened = widen(ws);
    patchSettings(ws, { metric: { name: 'mean_reward', direction: 'minimize' } });
    const r = await loop(ws, ['--runs', '1']);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toContain('GUARDRAIL bound inputs changed without a command: autopilot.json, policy.json; reverted');
    expect(JSON.parse(readFileSync(join(ws, 'autopilot.json'), 'utf8'))).toEqual(JSON.parse(settingsBefore));
    expect(readFileSync(join(ws, 'policy.json'), 'utf8')).toBe(policyBefore);
    const violation = eventsOfType(ws, 'GuardrailViolation').find((e) => e.data.source === 'inputs');
    expect(violation?.data.paths.map((p) => [p.path, p.restored])).toEqual([
      ['autopilot.json', true],
      ['policy.json', true],
    ]);
    // What they had been changed to is kept, where the event says (autopilot.json's with its secret redacted).
    const [settingsKept, policyKept] = violation!.data.paths.map((p) => readFileSync(join(ws, 'blobs', `${p.rejected?.sha256}.json`), 'utf8'));
    expect(policyKept).toBe(widened);
    expect(settingsKept).toContain('"direction": "minimize"');
    expect(settingsKept).not.toContain('sekrit-wandb-4711');
    expect(violation!.data.paths[0]?.rejected?.redacted).toBe(true);
    expect(eventsOfType(ws, 'RunEvaluated')[0]?.data.direction).toBe('maximize');
  });

  it('refuses to resume when a changed input held secrets the file no longer has', async () => {
    const ws = await interruptedSession();
    const settings = JSON.parse(readFileSync(join(ws, 'autopilot.json'), 'utf8'));
    delete settings.trainer.env.WANDB_API_KEY;
    settings.metric.direction = 'minimize';
    writeFileSync(join(ws, 'autopilot.json'), JSON.stringify(settings, null, 2));
    const r = await loop(ws, ['--runs', '1']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/cannot resume session 0001: autopilot\.json \(it holds secrets the log does not keep.*\) changed during the session and could not be put back/);
    expect(eventsOfType(ws, 'LoopCompleted')).toEqual([]);
    expect(eventsOfType(ws, 'GuardrailViolation').at(-1)?.data).toMatchObject({ source: 'inputs', action: 'detected' });
  });

  it('accepts the changes, with the reason, when resumed with --accept-input-changes', async () => {
    const ws = await interruptedSession();
    const widened = widen(ws);
    const r = await loop(ws, ['--runs', '1', '--accept-input-changes', 'widened the learning rate on purpose']);
    expect(r.exitCode, r.all).toBe(0);
    expect(readFileSync(join(ws, 'policy.json'), 'utf8')).toBe(widened);
    const accepted = eventsOfType(ws, 'InputsAccepted');
    expect(accepted.map((e) => [e.data.by, e.data.why, e.data.files.map((f) => f.path)])).toEqual([['loop --accept-input-changes', 'widened the learning rate on purpose', ['policy.json']]]);
    expect(eventsOfType(ws, 'GuardrailViolation')).toEqual([]);
    expect(readFileSync(join(ws, 'journal/labbook.md'), 'utf8')).toContain('accept changed inputs (loop --accept-input-changes)');
  });

  it('needs a reason to accept changes', async () => {
    const ws = fakeTrainerWorkspace();
    const r = await loop(ws, ['--runs', '1', '--accept-input-changes', ' ']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--accept-input-changes.*needs a reason/);
  });
});

describe.concurrent('autopilot policy set', () => {
  it('records the new policy and why before writing it, and the MCP server then validates against it', async () => {
    const ws = fakeTrainerWorkspace();
    expect((await loop(ws, ['--runs', '1'])).exitCode).toBe(0);
    const file = join(ws, '..', 'wider.json');
    const policy = JSON.parse(readFileSync(join(ws, 'policy.json'), 'utf8'));
    policy.keys['train.learning_rate'].max = 0.5;
    writeFileSync(file, JSON.stringify(policy, null, 2));
    const set = await execa('node', [CLI, 'policy', 'set', file, '--why', 'allow faster learning', '--workspace', ws], { reject: false });
    expect(set.exitCode, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/recorded at seq \d+: allow faster learning/);
    const accepted = eventsOfType(ws, 'InputsAccepted');
    expect(accepted.map((e) => [e.data.by, e.data.why])).toEqual([['policy set', 'allow faster learning']]);
    expect(readFileSync(join(ws, 'policy.json'), 'utf8')).toBe(readFileSync(file, 'utf8'));
    const mcp = checkProposal(new McpWorkspace(ws), { overrides: { train: { learning_rate: 0.3 } }, rationale: 'r', hypothesis: 'h' });
    expect(mcp.ok).toBe(true);
  });

  it('refuses an invalid policy or a missing reason, recording nothing', async () => {
    const ws = fakeTrainerWorkspace();
    expect((await loop(ws, ['--runs', '1'])).exitCode).toBe(0);
    const bad = join(ws, '..', 'bad.json');
    writeFileSync(bad, '{"version": 1, "keys": {"train.learning_rate": {"type": "number", "min": 5, "max": 1}}}');
    const invalid = await execa('node', [CLI, 'policy', 'set', bad, '--why', 'x', '--workspace', ws], { reject: false });
    expect(invalid.exitCode).toBe(2);
    expect(invalid.stderr).toContain('is not a valid policy');
    const noWhy = await execa('node', [CLI, 'policy', 'set', bad, '--workspace', ws], { reject: false });
    expect(noWhy.exitCode).toBe(2);
    expect(noWhy.stderr).toContain('--why');
    expect(eventsOfType(ws, 'InputsAccepted')).toEqual([]);
  });
});

describe.concurrent('the MCP server', () => {
  it('validates against the policy the session recorded, not a policy.json an agent widened', async () => {
    const ws = await interruptedSession();
    widen(ws);
    const outcome = checkProposal(new McpWorkspace(ws), { overrides: { train: { learning_rate: 42 } }, rationale: 'r', hypothesis: 'h' });
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.errors[0]).toMatchObject({ key: 'train.learning_rate', value: 42, expected: expect.stringMatching(/0\.05/) });
  });
});
