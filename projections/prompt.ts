/**
 * The proposer's prompt: the variables a `prompts/*.md` template is rendered with, each a
 * projection of the workspace view (goal, policy, incumbent, recent runs, last run, the errors
 * of a rejected attempt, the reply format). Pure: no clock, no locale, no files — the prompt is
 * stored with the proposal, and the same log, policy and settings render the same bytes.
 * What an agent or a trainer wrote (rationales, keys, metric names, failure messages) is escaped
 * (domain/text/escape.ts): the prompt holds printable text and its own newlines only.
 */
import { rangeText } from '../domain/policy/key-spec.js';
import type { DataOf } from '../events/catalogue.js';
import type { Scalar } from '../domain/config/config.js';
import { compareKeys, diffConfigs, type ConfigChange } from '../domain/config/diff.js';
import { formatKey, formatNumber, formatValue } from '../domain/text/format.js';
import { verdictText } from '../domain/judging/verdict-text.js';
import { ORCHESTRATOR_KEYS, describeOrchestratorKey, orchestratorKeys } from '../domain/config/orchestrator-keys.js';
import { fmt } from '../domain/text/numbers.js';
import type { KeySpec, Policy } from '../domain/policy/policy.js';
import { powersOfTwoIn } from '../domain/policy/policy.js';
import { describeRule } from '../domain/policy/rules.js';
import { mean, sampleOf } from '../domain/judging/sample.js';
import type { Settings } from '../domain/config/settings.js';
import { renderTemplate } from '../domain/text/template.js';
import type { ValidationError } from '../domain/policy/validation-error.js';
import { escapeLines, escapeText, jsonText } from '../domain/text/escape.js';
import { RUN_PROJECTION_FILES, utc } from './render.js';
import type { RunView, WorkspaceView } from './view.js';

/** What a prompt is rendered from. */
export interface PromptInput {
  view: WorkspaceView;
  policy: Policy;
  /** The settings the prompt states (metric, judging, attempts, seed key, default mode). */
  settings: Pick<Settings, 'metric' | 'statistics' | 'proposer' | 'seeds' | 'mode'>;
  /** The run being proposed. */
  runId: string;
  /** The proposal attempt being asked for (1 for the first). */
  attempt: number;
  /** Errors of the previous attempt's rejection (empty on a first attempt). */
  previousErrors: readonly ValidationError[];
  /** Errors of that rejection beyond `limits.max_problems`, counted but not kept (absent: none). */
  previousOmitted?: number;
  /** Whether the `autopilot` MCP server (and its `propose` tool) is offered to the agent. */
  mcp: boolean;
  /** Rows of the recent-runs table (default {@link DEFAULT_RECENT}). */
  recent?: number;
  /** The workspace's absolute path, to show launch logs relative to it (absent: shown as recorded). */
  workspace?: string;
}

/** Rows of the recent-runs table when the input does not say. */
export const DEFAULT_RECENT = 10;
/** Longest rationale or hypothesis quoted, in characters. */
const MAX_TEXT = 200;
/** Longest table cell, in characters. */
const MAX_CELL = 200;
/** Most rejection errors listed (a proposal of a thousand unknown keys stays readable). */
const MAX_ERRORS = 50;
/** Most trainer metrics listed for the last run. */
const MAX_METRICS = 12;
/** Most failed launches described for the last run. */
const MAX_FAILURES = 3;
/** Trainer metrics listed first, in this order, after the loop's own metric. */
const KEY_METRICS = ['success_rate', 'mean_reward', 'score', 'episode_length', 'episode_return', 'sps', 'agent_steps', 'epoch'];

/** The placeholders {@link promptVars} defines, for `autopilot` commands that check a template. */
export const PROMPT_VARS = [
  'metric.name',
  'metric.direction',
  'run_id',
  'attempt',
  'max_attempts',
  'mode',
  'statistics',
  'policy_table',
  'incumbent',
  'recent_runs',
  'last_run',
  'rejection_errors',
  'reply_format',
] as const;

/** The name of a prompt variable. */
export type PromptVar = (typeof PROMPT_VARS)[number];

/** Every prompt variable, rendered from `input`. Deterministic; each value is bounded in size and escaped (its own newlines kept). */
export function promptVars(input: PromptInput): Record<PromptVar, string> {
  const vars = rawVars(input);
  // A control character that reached a section unflattened (a C1 CSI, a bidi override) is shown, not sent.
  for (const name of PROMPT_VARS) vars[name] = escapeLines(vars[name]);
  return vars;
}

/** The variables before escaping: values from the log flattened to one line where they are inserted. */
function rawVars(input: PromptInput): Record<PromptVar, string> {
  const { settings } = input;
  return {
    'metric.name': settings.metric.name,
    'metric.direction': settings.metric.direction,
    run_id: input.runId,
    attempt: String(input.attempt),
    max_attempts: String(settings.proposer.max_attempts),
    mode: input.view.runs.get(input.runId)?.mode ?? settings.mode,
    statistics: statisticsText(input),
    policy_table: policyTable(input.policy),
    incumbent: incumbentText(input),
    recent_runs: recentRuns(input),
    last_run: lastRun(input),
    rejection_errors: rejectionErrors(input),
    reply_format: replyFormat(input),
  };
}

/**
 * Renders `template` with {@link promptVars}; runs of blank lines (left by empty variables such as
 * `rejection_errors`) collapse to one, and the prompt ends with one newline.
 * Throws `TemplateError` on a placeholder that is not a prompt variable.
 */
export function renderPrompt(template: string, input: PromptInput, source?: string): string {
  const text = renderTemplate(template, promptVars(input), source);
  return `${text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

// ---------------------------------------------------------------- helpers

/** One line of at most `max` characters (whitespace runs become one space). */
function clip(text: string, max = MAX_TEXT): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** A markdown table cell: one line, pipes escaped, bounded. */
function cell(text: string): string {
  return clip(text, MAX_CELL).replace(/\|/g, '\\|');
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map((r) => line(r.map(cell)))].join('\n');
}

/** A quoted one-line excerpt: JSON string escapes for every control character. */
function quote(text: string): string {
  return jsonText(clip(text));
}

function runsOf(view: WorkspaceView): RunView[] {
  return [...view.runs.values()].sort((a, b) => a.index - b.index);
}

/** `key=value` pairs of a diff (a removed key reads `key removed`), the seed key left out: it changes every run. */
function describeChanges(changes: readonly ConfigChange[], seedKey: string | null, max = MAX_CELL): string {
  const shown = changes.filter((c) => c.key !== seedKey);
  if (shown.length === 0) return 'none';
  return clip(shown.map((c) => (c.to === null ? `${c.key} removed` : `${c.key}=${formatValue(c.to)}`)).join(', '), max);
}

function describeOverride(override: Record<string, Scalar>): string {
  const keys = Object.keys(override).sort(compareKeys);
  return keys.length === 0 ? 'none' : clip(keys.map((k) => `${k}=${formatValue(override[k])}`).join(', '));
}

function kindOf(r: RunView): string {
  if (r.kind === 'replicate') return `replicate of ${r.parent ?? '?'}`;
  if (r.kind === 'baseline') return 'baseline';
  return `proposal (${r.accepted?.proposer ?? r.proposals.at(-1)?.proposer ?? 'proposer'})`;
}

function failureText(f: DataOf<'RunFailed'>): string {
  const how = [f.exitCode === null ? null : `exit ${f.exitCode}`, f.signal].filter((x) => x !== null).join(', ');
  return `${f.reason}${how ? ` (${how})` : ''}: ${clip(f.message, 160)}`;
}

/** The run's own mean of the metric and its n, or null when it has no result. */
function ownResult(r: RunView, metric: string): { mean: number; n: number } | null {
  if (!r.finished) return null;
  const sample = sampleOf(r.finished, metric);
  return sample.length === 0 ? null : { mean: mean(sample), n: sample.length };
}

// ---------------------------------------------------------------- sections

function statisticsText({ settings }: PromptInput): string {
  const s = settings.statistics;
  const fresh = s.confirmation === 'independent' ? ', each on its own fresh sample against fresh re-runs of the incumbent,' : '';
  const replicate =
    s.replicates > 0
      ? `An improvement becomes the incumbent only after ${s.replicates} replicate run(s) (same config, fresh seed)${fresh} confirm it.`
      : 'An improvement becomes the incumbent at once.';
  const how = s.interval === 'welch' ? "Welch's t confidence interval" : `bootstrap confidence interval (${s.interval}, ${s.resamples} resamples)`;
  const inconclusive = s.inconclusive_replicates > 0 ? ` An inconclusive run may get up to ${s.inconclusive_replicates} replicate(s), their samples pooled.` : '';
  return (
    `Each run's per-episode \`${settings.metric.name}\` values are compared with the incumbent's by a ${how} ` +
    `of the difference of means (alpha ${formatNumber(s.alpha)}, ${s.sidedness}). ` +
    `The verdict is improved or regressed only when the interval excludes 0, otherwise inconclusive: one lucky run proves nothing. ${replicate}${inconclusive}`
  );
}

function distributionOf(spec: KeySpec): string {
  if (spec.type === 'boolean' || spec.type === 'enum' || spec.distribution === undefined) return '—';
  const params = [spec.mean === undefined ? null : `mean ${formatNumber(spec.mean)}`, spec.scale === undefined ? null : `scale ${formatNumber(spec.scale)}`];
  const shown = params.filter((p) => p !== null);
  return shown.length === 0 ? spec.distribution : `${spec.distribution} (${shown.join(', ')})`;
}

/** The policy as a table, the orchestrator keys, and the derived rules in order. */
function policyTable(policy: Policy): string {
  const keys = Object.keys(policy.keys);
  const parts = [
    keys.length === 0
      ? 'The policy allows no keys: there is nothing to change.'
      : table(
          ['key', 'type', 'range / choices', 'distribution', 'description'],
          keys.map((k) => {
            const spec = policy.keys[k]!;
            return [`\`${k}\``, spec.type, rangeText(spec, ', '), distributionOf(spec), spec.description ?? ''];
          }),
        ),
  ];
  const orchestrator = orchestratorKeys(policy);
  if (orchestrator.length > 0)
    parts.push(`Orchestrator keys (optional, not trainer flags):\n${orchestrator.map((k) => `- \`${k}\`: ${describeOrchestratorKey(k)} — ${ORCHESTRATOR_KEYS[k]!.description}`).join('\n')}`);
  const rules = policy.rules ?? [];
  parts.push(
    rules.length === 0
      ? 'No derived rules: the merged config is used as proposed.'
      : `Derived rules, applied in this order after your overrides are merged (they may change what you propose; a result outside a key's range rejects the proposal):\n${rules
          .map((r, i) => `${i + 1}. ${describeRule(r)}${r.description ? ` — ${clip(r.description)}` : ''}`)
          .join('\n')}`,
  );
  return parts.join('\n\n');
}

/** The incumbent's config against the baseline run of its mode (from the log), or null when that baseline is not there. */
function incumbentChanges(view: WorkspaceView, inc: RunView): ConfigChange[] | null {
  const baseline = runsOf(view).find((r) => r.kind === 'baseline' && r.mode === inc.mode && r.accepted);
  if (!baseline?.accepted || !inc.accepted) return null;
  return diffConfigs(baseline.accepted.config, inc.accepted.config);
}

// A user's rollback is why the incumbent is not the best verdict of the history: the proposer is told so.
function rolledBackText(r: { why: string; by: string } | undefined): string {
  return r ? ` (made the incumbent again by a rollback, ${r.by}: ${quote(r.why)})` : '';
}

function incumbentText(input: PromptInput): string {
  const { view, settings } = input;
  const current = view.incumbent;
  if (!current) return 'none yet: the baseline is run first';
  const { ref } = current;
  const r = view.runs.get(ref.runId);
  const since = `incumbent since ${utc(current.changedAt)}${current.previous && current.previous !== ref.runId ? `, replacing ${current.previous}` : ''}${rolledBackText(current.rolledBack)}`;
  const lines = [`Run ${ref.runId}: ${ref.metric} ${fmt(ref.mean)} (n=${ref.n}), ${since}.`];
  if (r) {
    const why = r.kind === 'baseline' ? 'the baseline, the first run' : r.evaluation ? verdictText(r.evaluation, { style: 'labbook' }) : 'no evaluation recorded';
    const replicates = runsOf(view).filter((x) => x.kind === 'replicate' && x.parent === ref.runId && x.journal);
    const last = replicates.at(-1)?.journal?.replication;
    const confirmed = replicates.length === 0 ? '' : `; replicates ${replicates.map((x) => x.runId).join(', ')}${last ? ` (${last.decision})` : ''}, samples pooled`;
    lines.push(`- Why: ${why}${confirmed}.`);
    const changes = r.kind === 'baseline' ? [] : incumbentChanges(view, r);
    lines.push(
      changes === null
        ? `- Its override: ${describeOverride(ref.override)}.`
        : `- Config vs the baseline: ${changes.length === 0 ? 'the baseline config, unchanged' : describeChanges(changes, settings.seeds.key, 600)}.`,
    );
    const p = r.proposals.find((x) => x.result === 'accepted');
    if (p) lines.push(`- Its hypothesis: ${quote(p.hypothesis)}.`);
  } else {
    lines.push(`- Its override: ${describeOverride(ref.override)}.`);
  }
  lines.push("Your overrides are applied on top of the incumbent's config; keys you leave out keep its values.");
  return lines.join('\n');
}

function recentRuns(input: PromptInput): string {
  const { view, settings } = input;
  const limit = Math.max(1, Math.floor(input.recent ?? DEFAULT_RECENT));
  const journaled = runsOf(view).filter((r) => r.journal);
  if (journaled.length === 0) return 'No runs yet.';
  const shown = journaled.slice(-limit);
  const metric = settings.metric.name;
  const rows = shown.map((r) => {
    const own = ownResult(r, metric);
    const failure = r.failures.at(-1);
    const verdict = r.evaluation ? verdictText(r.evaluation, { style: 'labbook' }) : failure ? `failed: ${failureText(failure)}` : 'no result';
    const changes = r.accepted ? `${r.kind === 'baseline' ? '' : `vs ${r.accepted.base}: `}${describeChanges(r.accepted.diff, settings.seeds.key)}` : '—';
    return [`${r.runId}${view.incumbent?.ref.runId === r.runId ? ' (incumbent)' : ''}`, kindOf(r), changes, own ? `${fmt(own.mean)} (n=${own.n})` : '—', verdict];
  });
  const head = journaled.length > shown.length ? `The last ${shown.length} of ${journaled.length} runs, oldest first.` : `All ${journaled.length} run(s), oldest first.`;
  return `${head} Verdicts: difference of means vs the incumbent of the time, [interval] in the better direction (positive = better), n = candidate/incumbent.\n\n${table(
    ['run', 'kind', 'changes', `${metric} mean (n)`, 'verdict'],
    rows,
  )}`;
}

/** A recorded path relative to the workspace when it lies inside it. */
function relative(path: string, workspace: string | undefined): string {
  const root = workspace ? workspace.replace(/\/+$/, '') : undefined;
  return escapeText(root !== undefined && path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path);
}

function metricsLine(metrics: Record<string, number>, metric: string): string {
  const order = (k: string) => (k === metric ? -1 : KEY_METRICS.includes(k) ? KEY_METRICS.indexOf(k) : KEY_METRICS.length);
  const keys = Object.keys(metrics).sort((a, b) => order(a) - order(b) || compareKeys(a, b));
  // A metric name is the trainer's: a newline in it must not start a line of the prompt.
  const shown = keys.slice(0, MAX_METRICS).map((k) => `${escapeText(k)} ${fmt(metrics[k]!)}`);
  return `${shown.join(', ')}${keys.length > MAX_METRICS ? `, … (${keys.length} in all)` : ''}`;
}

function lastRun(input: PromptInput): string {
  const { view, settings } = input;
  const r = runsOf(view)
    .filter((x) => x.finished || x.failures.length > 0)
    .at(-1);
  if (!r) return 'No run has finished yet.';
  const status = r.journal?.status ?? (r.finished ? 'finished' : 'failed');
  const attempts = r.launches.length;
  const lines = [`Run ${r.runId} (${kindOf(r)}, ${r.mode} mode): ${status}${attempts > 1 ? ` after ${attempts} launches` : ''}.`];
  if (r.accepted && r.kind !== 'baseline') lines.push(`- Changes vs ${r.accepted.base}: ${describeChanges(r.accepted.diff, settings.seeds.key, 600)}.`);
  const p = r.proposals.find((x) => x.result === 'accepted');
  if (p) lines.push(`- Hypothesis: ${quote(p.hypothesis)}`, `- Rationale: ${quote(p.rationale)}`);
  if (r.finished) {
    const own = ownResult(r, settings.metric.name);
    const result = own ? `${settings.metric.name} ${fmt(own.mean)} (n=${own.n})` : `no \`${settings.metric.name}\` in its summary`;
    lines.push(`- Result: ${result}${r.evaluation ? `; ${verdictText(r.evaluation, { style: 'labbook' })}` : ''}.`);
    const source = r.finished.summarySource === 'summary' ? 'trainer_summary.json' : 'scraped from the log (no usable trainer_summary.json)';
    lines.push(`- Trainer metrics (${source}): ${metricsLine(r.finished.metrics, settings.metric.name) || 'none'}.`);
  }
  const failures = r.failures.slice(-MAX_FAILURES);
  for (const f of failures) lines.push(`- Attempt ${f.attempt} failed: ${failureText(f)}.`);
  if (r.failures.length > failures.length) lines.push(`- (${r.failures.length - failures.length} earlier failed attempt(s) not shown.)`);
  const files = RUN_PROJECTION_FILES.map((f) => `runs/${r.runId}/${f}`);
  if (r.finished?.summarySource === 'summary') files.push(`runs/${r.runId}/trainer_summary.json`);
  if (r.launches.length > 0) files.push(`runs/${r.runId}/train.log`);
  for (const l of r.launches) files.push(relative(l.logPath, input.workspace));
  lines.push(`- Files (relative to the workspace): ${[...new Set(files)].join(', ')}.`);
  return lines.join('\n');
}

function rejectionErrors(input: PromptInput): string {
  const errors = input.previousErrors;
  if (errors.length === 0) return '';
  const total = errors.length + (input.previousOmitted ?? 0);
  const previous = input.attempt - 1;
  const rejected = input.view.runs
    .get(input.runId)
    ?.proposals.filter((p) => p.result === 'rejected' && p.attempt <= previous)
    .at(-1);
  const lines = [
    '## Your previous proposal was rejected',
    '',
    `Attempt ${previous} for run ${input.runId} was rejected with ${total} error(s). Fix every one; this is attempt ${input.attempt} of ${input.settings.proposer.max_attempts}.`,
  ];
  if (rejected && rejected.overrides !== null && rejected.overrides !== undefined) lines.push(`You proposed the overrides ${formatValue(rejected.overrides)}.`);
  const shown = errors.slice(0, MAX_ERRORS);
  lines.push(
    '',
    table(
      ['key', 'value', 'rule', 'allowed', 'message'],
      shown.map((e) => [formatKey(e.key), formatValue(e.value), e.rule, e.expected, e.message]),
    ),
  );
  if (total > shown.length) lines.push('', `… and ${total - shown.length} more error(s) of the same proposal.`);
  return lines.join('\n');
}

/** A value inside `spec`'s range, for the example reply (its middle, in the distribution's sense). */
function exampleValue(spec: KeySpec): Scalar {
  switch (spec.type) {
    case 'boolean':
      return true;
    case 'enum':
      return spec.choices[0]!;
    case 'integer': {
      if (spec.distribution === 'uniform_pow2') {
        const powers = powersOfTwoIn(spec.min, spec.max);
        return powers[Math.floor(powers.length / 2)] ?? spec.min;
      }
      return Math.round((spec.min + spec.max) / 2);
    }
    case 'number': {
      const middle = spec.distribution === 'log_normal' && spec.min > 0 ? Math.sqrt(spec.min * spec.max) : (spec.min + spec.max) / 2;
      const rounded = Number(middle.toPrecision(2));
      return rounded >= spec.min && rounded <= spec.max ? rounded : middle;
    }
  }
}

function replyFormat(input: PromptInput): string {
  const first = Object.keys(input.policy.keys)[0];
  const example = first === undefined ? {} : { [first]: exampleValue(input.policy.keys[first]!) };
  const [section, ...rest] = (first ?? 'train.learning_rate').split('.');
  const nested = rest.length > 0 ? `{"${section}": {"${rest.join('.')}": …}}` : `{"${section}": …}`;
  const envelope = [
    '{',
    `  "overrides": ${JSON.stringify(example)},`,
    '  "rationale": "why this change, given the runs above",',
    `  "hypothesis": "what you expect to happen to ${input.settings.metric.name}, and by how much"`,
    '}',
  ].join('\n');
  const lines = [
    'Write `proposals/next_config.json` containing exactly one JSON object like this one (its values are only an example), and change no other file:',
    '',
    '```json',
    envelope,
    '```',
    '',
    `- \`overrides\`: the keys you change, dotted as above or nested (\`${nested}\`); only keys listed under what you may change, within their ranges or choices. Keys you leave out keep the incumbent's values.`,
    '- `rationale` and `hypothesis`: non-empty strings. No other fields.',
    '- Do not start training yourself: autopilot validates the proposal, runs it and records the result. An invalid proposal is rejected as a whole and you are asked again with every error.',
  ];
  if (input.mcp)
    lines.push(
      '',
      'Or, instead of writing the file, call the `propose` tool of the `autopilot` MCP server: `propose(overrides, rationale, hypothesis)` with the same three fields. It validates on the spot and returns every error, so you can correct the proposal and call it again. Its tools `list_runs`, `get_run`, `get_policy` and `get_labbook` read the history. Use one way, not both.',
    );
  return lines.join('\n');
}
