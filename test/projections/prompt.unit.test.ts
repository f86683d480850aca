import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TemplateError, templatePlaceholders } from '../../domain/text/template.js';
import { validateOverrides } from '../../domain/policy/validate.js';
import type { ValidationError } from '../../domain/policy/validation-error.js';
import { loadBaseline, loadPolicy, loadSettings, workspacePaths } from '../../adapters/workspace.js';
import { PROMPT_VARS, promptVars, renderPrompt, type PromptInput } from '../../projections/prompt.js';
import { emptyView, foldView, type WorkspaceView } from '../../projections/view.js';
import { syntheticEvents } from '../support/synthetic-log.js';
import { ROOT } from '../support/workspace.js';
import { LogBuilder, asStored, baselineRun, loopStarted, runStarted } from './support.js';

const shipped = workspacePaths(join(ROOT, 'autopilot'));
const drone = workspacePaths(join(ROOT, 'examples', 'puffer_drone_pp'));
const policy = loadPolicy(shipped);
const settings = loadSettings(shipped);
const template = (paths: typeof shipped) => readFileSync(join(paths.root, 'prompts', 'propose.md'), 'utf8');

/** The errors the shipped policy gives a learning rate out of range plus a key it does not allow. */
function rejectionOf(overrides: unknown): ValidationError[] {
  const result = validateOverrides(overrides, loadBaseline(shipped, 'quick'), policy);
  if (result.ok) throw new Error('expected a rejection');
  return result.errors;
}
const badOverrides = { train: { learning_rate: 5, warp_drive: true } };
const errors = rejectionOf(badOverrides);

/**
 * A history on the shipped workspace: baseline 001; 002 (codex) rejected once then accepted,
 * improved and confirmed by replicate 003, so 002 is the incumbent; 004 timed out twice; 005 is
 * being proposed, its first attempt rejected.
 */
function history(): WorkspaceView {
  const log = new LogBuilder();
  log.add('LoopStarted', { ...loopStarted('0001', 5), proposer: 'command' });
  baselineRun(log);
  const base = { train: { learning_rate: 0.001 } };

  log.add('RunPlanned', { runId: '002', index: 2, kind: 'proposal', mode: 'quick' });
  log.add('ProposalRequested', { runId: '002', attempt: 1, proposer: 'command', previousErrors: [] });
  log.add('ProposalReceived', { runId: '002', attempt: 1, proposer: 'command', seed: null, overrides: { train: { learning_rate: 5 } }, rationale: 'r', hypothesis: 'h' });
  log.add('ProposalRejected', { runId: '002', attempt: 1, errors: rejectionOf({ train: { learning_rate: 5 } }) });
  log.add('ProposalReceived', {
    runId: '002',
    attempt: 2,
    proposer: 'command',
    seed: null,
    overrides: { train: { learning_rate: 0.003 } },
    rationale: `the baseline learns slowly; ${'a much longer explanation '.repeat(40)}`,
    hypothesis: 'a 3x learning rate lifts mean_reward by about 40',
  });
  log.add('ProposalAccepted', {
    runId: '002',
    attempt: 2,
    proposer: 'command',
    base: '001',
    config: { train: { learning_rate: 0.003, seed: 2 } },
    override: { 'train.learning_rate': 0.003 },
    diff: [
      { key: 'train.learning_rate', from: 0.001, to: 0.003 },
      { key: 'train.seed', from: 1, to: 2 },
    ],
    normalizations: [],
    rationale: 'the baseline learns slowly',
    hypothesis: 'a 3x learning rate lifts mean_reward by about 40',
  });
  log.add('RunStarted', runStarted('002', 1, 1002));
  log.add('RunFinished', {
    runId: '002',
    attempt: 1,
    exitCode: 0,
    durationMs: 2000,
    summarySource: 'summary',
    metrics: { mean_reward: 141.2, sps: 12345.678, agent_steps: 40960, zeta: 1, episode_length: 141.2 },
    samples: { mean_reward: [131.2, 151.2] },
  });
  log.add('RunEvaluated', {
    runId: '002',
    metric: 'mean_reward',
    direction: 'maximize',
    verdict: 'improved',
    method: 'bootstrap-percentile',
    candidate: { mean: 141.2, n: 2 },
    incumbent: { runId: '001', mean: 100, n: 2 },
    delta: 41.2,
    seed: 7,
    interval: [18.5, 63.0],
  });
  log.add('JournalWritten', {
    runId: '002',
    status: 'completed',
    action: 'run 002',
    observation: 'o',
    outcome: 'improved',
    next: 'replicate',
    replication: { parent: '002', reason: 'improved', target: 1, done: 0, decision: 'replicate' },
  });

  log.add('RunPlanned', { runId: '003', index: 3, kind: 'replicate', mode: 'quick', parent: '002' });
  log.add('ProposalAccepted', {
    runId: '003',
    attempt: 0,
    proposer: 'replicate',
    base: '001',
    config: { train: { learning_rate: 0.003, seed: 99 } },
    override: { 'train.learning_rate': 0.003 },
    diff: [
      { key: 'train.learning_rate', from: 0.001, to: 0.003 },
      { key: 'train.seed', from: 1, to: 99 },
    ],
    normalizations: [],
    rationale: 'replicate',
    hypothesis: 'replicate',
  });
  log.add('RunStarted', runStarted('003', 1, 1003));
  log.add('RunFinished', { runId: '003', attempt: 1, exitCode: 0, durationMs: 2000, summarySource: 'log', metrics: { mean_reward: 149 }, samples: { mean_reward: [145, 153] } });
  log.add('RunEvaluated', {
    runId: '003',
    metric: 'mean_reward',
    direction: 'maximize',
    verdict: 'improved',
    method: 'bootstrap-percentile',
    candidate: { mean: 145.1, n: 4 },
    incumbent: { runId: '001', mean: 100, n: 2 },
    delta: 45.1,
    seed: 8,
    interval: [30.25, 60.5],
    pooled: ['002', '003'],
  });
  log.add('IncumbentChanged', {
    runId: '002',
    previous: '001',
    incumbent: { runId: '002', metric: 'mean_reward', mean: 145.1, n: 4, sample: [131.2, 151.2, 145, 153], override: { 'train.learning_rate': 0.003 } },
  });
  log.add('JournalWritten', {
    runId: '003',
    status: 'completed',
    action: 'run 003',
    observation: 'o',
    outcome: 'confirmed',
    next: 'propose',
    replication: { parent: '002', reason: 'improved', target: 1, done: 1, decision: 'confirmed' },
  });

  log.add('RunPlanned', { runId: '004', index: 4, kind: 'proposal', mode: 'quick' });
  log.add('ProposalReceived', {
    runId: '004',
    attempt: 1,
    proposer: 'command',
    seed: null,
    overrides: { train: { ent_coef: 0.02 } },
    rationale: 'explore more',
    hypothesis: 'more entropy helps',
  });
  log.add('ProposalAccepted', {
    runId: '004',
    attempt: 1,
    proposer: 'command',
    base: '002',
    config: { ...base, train: { learning_rate: 0.003, ent_coef: 0.02 } },
    override: { 'train.ent_coef': 0.02 },
    diff: [{ key: 'train.ent_coef', from: 0.01, to: 0.02 }],
    normalizations: [],
    rationale: 'explore more',
    hypothesis: 'more entropy helps',
  });
  for (const attempt of [1, 2]) {
    log.add('RunStarted', runStarted('004', attempt, 1003 + attempt));
    log.add('RunFailed', { runId: '004', attempt, reason: 'timeout', exitCode: null, signal: 'SIGKILL', durationMs: 180000, message: `no end within 180s (attempt ${attempt})` });
  }
  log.add('JournalWritten', { runId: '004', status: 'failed', action: 'run 004', observation: 'o', outcome: 'failed (timeout)', next: 'propose run 005' });

  log.add('RunPlanned', { runId: '005', index: 5, kind: 'proposal', mode: 'quick' });
  log.add('ProposalRequested', { runId: '005', attempt: 1, proposer: 'command', previousErrors: [] });
  log.add('ProposalReceived', { runId: '005', attempt: 1, proposer: 'command', seed: null, overrides: badOverrides, rationale: 'r', hypothesis: 'h' });
  log.add('ProposalRejected', { runId: '005', attempt: 1, errors });
  return foldView(log.events);
}

function input(over: Partial<PromptInput> = {}): PromptInput {
  return { view: history(), policy, settings, runId: '005', attempt: 2, previousErrors: errors, mcp: false, workspace: '/ws', ...over };
}

describe('when the prompt variables are rendered from a history', () => {
  const vars = promptVars(input());

  it('defines exactly the documented variables', () => {
    expect(Object.keys(vars).sort()).toEqual([...PROMPT_VARS].sort());
  });

  it('states the goal, the run and the attempt', () => {
    expect(vars['metric.name']).toBe('mean_reward');
    expect(vars['metric.direction']).toBe('maximize');
    expect([vars.run_id, vars.attempt, vars.max_attempts, vars.mode]).toEqual(['005', '2', '3', 'quick']);
    expect(vars.statistics).toContain("Welch's t confidence interval of the difference of means (alpha 0.05, two-sided)");
    expect(vars.statistics).toContain('each on its own fresh sample against fresh re-runs of the incumbent');
    expect(vars.statistics).toContain('after 1 replicate run(s)');
  });

  it('tabulates every policy key with its range, distribution and description, then the rules in words', () => {
    const t = vars.policy_table;
    expect(t).toContain('| key | type | range / choices | distribution | description |');
    expect(t).toContain('| `train.learning_rate` | number | [0.0001, 0.05] | log_normal | Adam learning rate |');
    expect(t).toContain('| `train.hidden_size` | enum | 16, 32, 64 | — | width of the two hidden layers (cost grows with its square) |');
    expect(t).toContain('| `train.batch_size` | integer | [512, 4096] | uniform_pow2 | agent steps per rollout |');
    expect(t).toContain('1. lte: train.minibatch_size <= train.batch_size — a minibatch cannot exceed the batch');
    expect(t).toContain('- `autopilot.resume_mode`: one of ["fresh", "continue"]');
    expect(t.split('\n').filter((l) => l.startsWith('| `'))).toHaveLength(Object.keys(policy.keys).length);
  });

  it('names the incumbent with its pooled mean, since when, why, its replicates and its config vs the baseline', () => {
    const inc = vars.incumbent;
    expect(inc).toContain('Run 002: mean_reward 145.1 (n=4), incumbent since 2026-01-01 00:00:');
    expect(inc).toContain(', replacing 001.');
    expect(inc).toContain('- Why: improved: +41.2 [18.5, 63.0] vs 001 (n=2/2); replicates 003 (confirmed), samples pooled.');
    expect(inc).toContain('- Config vs the baseline: train.learning_rate=0.003.');
    expect(inc).not.toContain('train.seed');
    expect(inc).toContain('- Its hypothesis: "a 3x learning rate lifts mean_reward by about 40".');
  });

  it('lists the journaled runs with kind, changes, own mean (n) and the verdict with its interval vs the incumbent of the time', () => {
    const rows = vars.recent_runs.split('\n').filter((l) => /^\| \d{3}/.test(l));
    expect(rows).toEqual([
      '| 001 | baseline | none | 100 (n=2) | baseline: mean_reward 100 (n=2) |',
      '| 002 (incumbent) | proposal (command) | vs 001: train.learning_rate=0.003 | 141.2 (n=2) | improved: +41.2 [18.5, 63.0] vs 001 (n=2/2) |',
      '| 003 | replicate of 002 | vs 001: train.learning_rate=0.003 | 149 (n=2) | improved: +45.1 [30.3, 60.5] vs 001 (n=4/2) |',
      '| 004 | proposal (command) | vs 002: train.ent_coef=0.02 | — | failed: timeout (SIGKILL): no end within 180s (attempt 2) |',
    ]);
    expect(vars.recent_runs).toContain('All 4 run(s), oldest first.');
    expect(vars.recent_runs).not.toContain('| 005');
  });

  it('keeps only the last `recent` runs', () => {
    const recent = promptVars(input({ recent: 2 })).recent_runs;
    expect(recent).toContain('The last 2 of 4 runs');
    expect(recent).not.toContain('| 001 ');
    expect(recent).toContain('| 004 ');
  });

  it('describes the last run: status, changes, every failed attempt and its files relative to the workspace', () => {
    const last = vars.last_run;
    expect(last).toContain('Run 004 (proposal (command), quick mode): failed after 2 launches.');
    expect(last).toContain('- Changes vs 002: train.ent_coef=0.02.');
    expect(last).toContain('- Attempt 1 failed: timeout (SIGKILL): no end within 180s (attempt 1).');
    expect(last).toContain('- Attempt 2 failed: timeout (SIGKILL): no end within 180s (attempt 2).');
    expect(last).toContain('runs/004/summary.json');
    expect(last).toContain('runs/004/train.log, logs/004.log.');
    expect(last).not.toContain('/ws/');
    expect(last).not.toContain('trainer_summary.json');
  });

  it('rejects with a section listing every error with key, value, rule and what is allowed', () => {
    const r = vars.rejection_errors;
    expect(errors).toHaveLength(2);
    expect(r.startsWith('## Your previous proposal was rejected\n')).toBe(true);
    expect(r).toContain('Attempt 1 for run 005 was rejected with 2 error(s). Fix every one; this is attempt 2 of 3.');
    expect(r).toContain('You proposed the overrides {"train":{"learning_rate":5,"warp_drive":true}}.');
    expect(r).toContain('| train.learning_rate | 5 | range | number in [0.0001, 0.05] | train.learning_rate = 5 is out of range: allowed number in [0.0001, 0.05] |');
    expect(r).toMatch(/\| train\.warp_drive \| true \| unknown_key \| one of the policy keys /);
  });

  it('gives the reply envelope, and the MCP tool only when the server is offered', () => {
    expect(vars.reply_format).toContain('Write `proposals/next_config.json`');
    expect(vars.reply_format).toContain('"overrides": {"train.learning_rate":0.0022}');
    expect(vars.reply_format).toContain('"hypothesis": "what you expect to happen to mean_reward, and by how much"');
    expect(vars.reply_format).not.toContain('MCP');
    const mcp = promptVars(input({ mcp: true })).reply_format;
    expect(mcp).toContain('`propose` tool of the `autopilot` MCP server: `propose(overrides, rationale, hypothesis)`');
    expect(mcp).toContain('`list_runs`, `get_run`, `get_policy` and `get_labbook`');
  });
});

describe('when the last run finished', () => {
  it('shows its result, its key trainer metrics (the metric first) and its trainer summary among the files', () => {
    const log = new LogBuilder();
    log.add('LoopStarted', loopStarted());
    baselineRun(log);
    const view = foldView(log.events);
    const last = promptVars(input({ view, runId: '002', attempt: 1, previousErrors: [] })).last_run;
    expect(last).toContain('Run 001 (baseline, quick mode): completed.');
    expect(last).toContain('- Result: mean_reward 100 (n=2); baseline: mean_reward 100 (n=2).');
    expect(last).toContain('- Trainer metrics (trainer_summary.json): mean_reward 100.');
    expect(last).toContain('runs/001/trainer_summary.json');
  });

  it('bounds a long rationale to about 200 characters', () => {
    const v = history();
    const run = v.runs.get('004')!;
    // The last run is 004; give it the long-winded proposal of 002 to quote.
    run.proposals = v.runs.get('002')!.proposals;
    const last = promptVars(input({ view: v })).last_run;
    const rationale = last.split('\n').find((l) => l.startsWith('- Rationale: '))!;
    expect(rationale.length).toBeLessThanOrEqual('- Rationale: '.length + 202);
    expect(rationale.endsWith('…"')).toBe(true);
  });
});

describe('when the history is empty', () => {
  const empty = input({ view: emptyView(), runId: '001', attempt: 1, previousErrors: [] });

  it('renders each section sensibly', () => {
    const vars = promptVars(empty);
    expect(vars.incumbent).toBe('none yet: the baseline is run first');
    expect(vars.recent_runs).toBe('No runs yet.');
    expect(vars.last_run).toBe('No run has finished yet.');
    expect(vars.rejection_errors).toBe('');
    expect(vars.mode).toBe('quick');
  });

  it('renders the shipped template without a rejection section or runs of blank lines', () => {
    const prompt = renderPrompt(template(shipped), empty);
    expect(prompt).not.toContain('Your previous proposal was rejected');
    expect(prompt).not.toMatch(/\n\n\n/);
    expect(prompt).not.toContain('{{');
    expect(prompt.endsWith('.\n') && !prompt.endsWith('\n\n')).toBe(true);
  });
});

describe('when the shipped templates are rendered', () => {
  it.each([
    ['autopilot/', shipped],
    ['examples/puffer_drone_pp/', drone],
  ])('renders %sprompts/propose.md with every section, from its own policy and settings', (_name, paths) => {
    const p = loadPolicy(paths);
    const s = loadSettings(paths);
    const text = template(paths);
    expect(
      templatePlaceholders(text)
        .map((x) => x.name)
        .every((n) => (PROMPT_VARS as readonly string[]).includes(n)),
    ).toBe(true);
    const prompt = renderPrompt(text, input({ policy: p, settings: s }), 'prompts/propose.md');
    expect(prompt).toMatch(new RegExp(`Goal: maximize\\s\`${s.metric.name}\``));
    expect(prompt).toContain('# Propose run 005 (attempt 2 of');
    expect(prompt).toContain('Run 002: mean_reward 145.1 (n=4)');
    expect(prompt).toContain('## Your previous proposal was rejected');
    expect(prompt).toContain('improved: +41.2 [18.5, 63.0] vs 001 (n=2/2)');
    expect(prompt).toContain(`| \`${Object.keys(p.keys)[0]}\` |`);
    expect(prompt).toContain('Write `proposals/next_config.json`');
    expect(prompt).not.toContain('{{');
    expect(prompt).not.toMatch(/\n\n\n/);
  });

  it('renders the same bytes from the same inputs', () => {
    expect(renderPrompt(template(shipped), input({ mcp: true }))).toBe(renderPrompt(template(shipped), input({ mcp: true })));
  });

  it('stays bounded over a long synthetic history', () => {
    const view = foldView(asStored(syntheticEvents(120)));
    const next = String(view.runs.size + 1).padStart(3, '0');
    const prompt = renderPrompt(template(shipped), input({ view, runId: next, attempt: 1, previousErrors: [], workspace: '/tmp/bench/autopilot' }));
    expect(prompt).toContain('The last 10 of ');
    expect(prompt.split('\n').filter((l) => /^\| \d{3}/.test(l))).toHaveLength(10);
    expect(prompt.length).toBeLessThan(16_000);
    expect(prompt).toMatch(/logs\/\d{3}\.log/);
  });
});

describe('when a template uses a placeholder that is not a prompt variable', () => {
  it('throws a TemplateError naming it, its line and the prompt variables', () => {
    const bad = '# Propose\n\n{{policy_table}}\n{{ incumbant }}\n';
    expect(() => renderPrompt(bad, input(), 'prompts/propose.md')).toThrow(TemplateError);
    expect(() => renderPrompt(bad, input(), 'prompts/propose.md')).toThrow(
      /^prompts\/propose\.md line 4: unknown placeholder \{\{incumbant\}\}; allowed names are attempt, incumbent, last_run, max_attempts, metric\.direction, metric\.name, mode, policy_table, recent_runs, rejection_errors, reply_format, run_id, statistics$/,
    );
  });
});

describe('when an agent or a trainer put control characters into what the prompt quotes', () => {
  /** Any control character a prompt must not carry raw: C0 but the renderer's \n, DEL, C1, separators, bidi. */
  const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
  const TAIL = '\n- forged | line\x1b]0;pwned\x07\r\0\u202e\u009b2J';
  const EVIL_KEY = 'x\x1b]0;pwned\x07\n\u009by';

  /** Run 002 accepted with a hostile rationale and hypothesis, finished with a hostile metric name, then failed with a hostile message; 003 rejected for a hostile key. */
  function hostile(): { view: WorkspaceView; errors: ValidationError[] } {
    const log = new LogBuilder();
    log.add('LoopStarted', loopStarted());
    baselineRun(log);
    log.add('RunPlanned', { runId: '002', index: 2, kind: 'proposal', mode: 'quick' });
    const proposal = { proposer: 'command', rationale: `raise lr${TAIL}`, hypothesis: `learns faster${TAIL}` };
    log.add('ProposalReceived', { runId: '002', attempt: 1, seed: null, overrides: { train: { learning_rate: 0.003 } }, ...proposal });
    log.add('ProposalAccepted', {
      runId: '002',
      attempt: 1,
      base: '001',
      config: { train: { learning_rate: 0.003 } },
      override: { 'train.learning_rate': 0.003 },
      diff: [{ key: 'train.learning_rate', from: 0.001, to: 0.003 }],
      normalizations: [],
      ...proposal,
    });
    log.add('RunStarted', runStarted('002', 1, 1002));
    log.add('RunFinished', {
      runId: '002',
      attempt: 1,
      exitCode: 0,
      durationMs: 1,
      summarySource: 'summary',
      metrics: { mean_reward: 120, [`evil${TAIL}`]: 1 },
      samples: { mean_reward: [120] },
    });
    log.add('RunStarted', runStarted('002', 2, 1003));
    log.add('RunFailed', { runId: '002', attempt: 2, reason: 'crashed', exitCode: 3, signal: null, durationMs: 1, message: `trainer said${TAIL}` });
    log.add('RunPlanned', { runId: '003', index: 3, kind: 'proposal', mode: 'quick' });
    const overrides = { train: { learning_rate: 0.003, [EVIL_KEY]: `v${TAIL}` } };
    const errors = rejectionOf(overrides);
    log.add('ProposalReceived', { runId: '003', attempt: 1, proposer: 'command', seed: null, overrides, rationale: `r${TAIL}`, hypothesis: 'h' });
    log.add('ProposalRejected', { runId: '003', attempt: 1, errors });
    return { view: foldView(log.events), errors };
  }

  it('writes them escaped into every section: printable text and the renderer’s own newlines only', () => {
    const { view, errors: evil } = hostile();
    const prompt = renderPrompt(template(shipped), input({ view, runId: '003', attempt: 2, previousErrors: evil }));
    expect(prompt).not.toMatch(RAW_CONTROL);
    // Every line is one the renderer wrote: none starts with the forged list item.
    expect(prompt.split('\n').filter((l) => l.startsWith('- forged'))).toEqual([]);
    expect(prompt).toContain('\\x1b]0;pwned\\x07');
    expect(prompt).toContain('\\u202e');
    expect(prompt).toContain('\\x9b2J');
  });

  it('escapes the quoted rationale and hypothesis, the metric names, the failure message and the rejected key', () => {
    const { view, errors: evil } = hostile();
    const vars = promptVars(input({ view, runId: '003', attempt: 2, previousErrors: evil }));
    for (const [name, text] of Object.entries(vars)) expect(text, name).not.toMatch(RAW_CONTROL);
    expect(vars.last_run).toMatch(/- Rationale: "raise lr.*\\u001b\]0;pwned\\u0007.*\\u202e\\u009b2J"/);
    expect(vars.last_run).toMatch(/evil.*\\x1b\]0;pwned\\x07.*\\u202e\\x9b2J 1/);
    expect(vars.last_run).toMatch(/Attempt 2 failed: crashed \(exit 3\): trainer said .*\\x1b\]0;pwned\\x07/);
    expect(vars.rejection_errors).toContain('unknown_key');
    expect(vars.rejection_errors).toMatch(/x\\u001b\]0;pwned\\u0007\\n\\(u009b|x9b)y/);
  });

  it('leaves the raw values in the log', () => {
    const { view } = hostile();
    expect(view.runs.get('002')!.accepted!.rationale).toBe(`raise lr${TAIL}`);
    expect(Object.keys(view.runs.get('002')!.finished!.metrics)).toContain(`evil${TAIL}`);
  });
});
