/**
 * The preflight: everything a session needs, checked before it records anything. Every workspace
 * file parses; the policy's keys and rules name keys of the baseline the session uses; the trainer
 * (and an agent proposer's executable) resolves; the prompt template renders; the metric is
 * declared; the containment setting can be had; the seed key names the baseline's seed when runs
 * may be repeated. Returns every problem found, not the first, and warnings (baseline values out of
 * their policy range) that do not refuse.
 */
import { join } from 'node:path';
import { kindConfined } from '../../adapters/fs/confined.js';
import { readUserText } from '../../adapters/fs/user-files.js';
import { resolveContainment } from '../../adapters/launcher/containment.js';
import type { Config } from '../../domain/config/config.js';
import type { Policy } from '../../domain/policy/policy.js';
import { baselineRunConfig } from '../../domain/preflight/baseline-run.js';
import { policyKeyProblems, ruleKeyProblems } from '../../domain/preflight/keys.js';
import { baselineRangeWarnings } from '../../domain/preflight/ranges.js';
import { seedKeyProblem } from '../../domain/preflight/seed-key.js';
import type { PreflightProblem } from '../../domain/preflight/problem.js';
import type { ProposerKindSetting, Settings } from '../../domain/config/settings.js';
import type { Containment } from '../../events/catalogue.js';
import { TemplateError } from '../../domain/text/template.js';
import { renderPrompt } from '../../projections/prompt.js';
import { emptyView } from '../../projections/view.js';
import type { WorkspacePaths } from '../../adapters/workspace.js';
import { baselineFile, parseBaselineFile, parsePolicyFile, parseSettingsFile } from './inputs.js';
import { checkTrainer, findExecutable, type ResolvedTrainer } from './trainer.js';
import { MODES, type Mode } from '../../domain/config/mode.js';

/** What a session would use: the mode and proposer given on the command line (else autopilot.json's). */
export interface PreflightOptions {
  mode?: Mode;
  proposer?: ProposerKindSetting;
}

/** What the preflight found usable (each part present when it could be checked). */
export interface PreflightFacts {
  mode: Mode;
  settings?: Settings;
  policy?: Policy;
  baseline?: Config;
  /** The config of the baseline run (the baseline normalized by the policy's rules), as the loop would launch it. */
  runConfig?: Config;
  proposer?: ProposerKindSetting;
  trainer?: ResolvedTrainer;
  containment?: Containment['mode'];
  /** The prompt template checked (workspace-relative), when the proposer is an agent or the template exists. */
  prompt?: string;
}

/** Every problem, every warning (said, never refusing: see domain/preflight/ranges.ts), and what was found. */
export interface PreflightReport {
  problems: PreflightProblem[];
  warnings: PreflightProblem[];
  facts: PreflightFacts;
}

const AGENTS: readonly ProposerKindSetting[] = ['codex', 'claude', 'command'];

/** Runs every check; reads the workspace, writes nothing. */
export function preflight(paths: WorkspacePaths, options: PreflightOptions = {}): PreflightReport {
  const problems: PreflightProblem[] = [];
  const warnings: PreflightProblem[] = [];
  const take = <T>(parsed: { ok: true; value: T } | { ok: false; problems: PreflightProblem[] }): T | undefined => {
    if (parsed.ok) return parsed.value;
    problems.push(...parsed.problems);
    return undefined;
  };
  const settings = take(parseSettingsFile(paths));
  const policy = take(parsePolicyFile(paths));
  const mode = options.mode ?? settings?.mode ?? 'quick';
  const facts: PreflightFacts = { mode, ...(settings ? { settings } : {}), ...(policy ? { policy } : {}) };
  // Both baselines must parse when present; only the one of the mode in use must exist.
  for (const m of MODES) {
    const parsed = parseBaselineFile(paths, m);
    if (parsed.ok) {
      if (m === mode) facts.baseline = parsed.value;
    } else if (m === mode || !parsed.missing) problems.push(...parsed.problems.map((p) => (parsed.missing ? { ...p, problem: `${p.problem} (mode ${m} uses it)` } : p)));
  }
  if (policy && facts.baseline) {
    const ref = { file: baselineFile(mode), config: facts.baseline };
    const keyProblems = [...policyKeyProblems(policy, ref), ...ruleKeyProblems(policy, ref)];
    problems.push(...keyProblems);
    warnings.push(...baselineRangeWarnings(policy, ref));
    // The first run's config, normalized as the loop would (its rule errors only matter once the rules name real keys).
    const run = settings ? baselineRunConfig(facts.baseline, policy, settings.seeds, ref.file) : null;
    if (run?.ok) facts.runConfig = run.config;
    else if (run && keyProblems.length === 0) problems.push(...run.problems);
  }
  if (!settings) return { problems, warnings, facts };
  const seedProblem = facts.baseline ? seedKeyProblem(settings, { file: baselineFile(mode), config: facts.baseline }) : null;
  if (seedProblem) problems.push(seedProblem);

  const proposer = options.proposer ?? settings.proposer.kind;
  facts.proposer = proposer;
  const trainer = checkTrainer(paths, settings);
  problems.push(...trainer.problems);
  if (trainer.resolved) facts.trainer = trainer.resolved;
  problems.push(...proposerProblems(paths, settings, proposer));
  const prompt = promptProblems(paths, settings, policy, proposer);
  problems.push(...prompt.problems);
  if (prompt.checked) facts.prompt = settings.proposer.prompt;
  try {
    facts.containment = resolveContainment(settings.containment);
  } catch (e) {
    problems.push({
      file: 'autopilot.json',
      key: 'containment',
      problem: (e as Error).message,
      allowed: '"auto" (the strongest this machine has), "cgroup", "subreaper" or "process-group"',
    });
  }
  return { problems, warnings, facts };
}

/** An agent proposer's executable resolves (codex.bin, claude.bin, command.argv[0]). */
function proposerProblems(paths: WorkspacePaths, settings: Settings, proposer: ProposerKindSetting): PreflightProblem[] {
  const p = settings.proposer;
  if (proposer === 'command' && !p.command)
    return [
      { file: 'autopilot.json', key: 'proposer.command.argv', problem: 'the command proposer has no command', allowed: 'proposer.command.argv: the executable and its arguments (no shell)' },
    ];
  const target =
    proposer === 'codex'
      ? { key: 'proposer.codex.bin', argv0: p.codex.bin, cwd: paths.root, path: p.codex.env['PATH'] }
      : proposer === 'claude'
        ? { key: 'proposer.claude.bin', argv0: p.claude.bin, cwd: paths.root, path: p.claude.env['PATH'] }
        : proposer === 'command' && p.command
          ? { key: 'proposer.command.argv[0]', argv0: p.command.argv[0]!, cwd: join(paths.root, p.command.cwd), path: p.command.env['PATH'] }
          : null;
  if (!target) return [];
  const found = findExecutable(target.argv0, target.cwd, target.path);
  return found.ok ? [] : [{ file: 'autopilot.json', key: target.key, problem: found.problem, allowed: found.allowed }];
}

/** The prompt template renders: it must for an agent proposer; for the others it is checked when present. */
function promptProblems(paths: WorkspacePaths, settings: Settings, policy: Policy | undefined, proposer: ProposerKindSetting): { problems: PreflightProblem[]; checked: boolean } {
  const rel = settings.proposer.prompt;
  const file = join(paths.root, rel);
  const agent = AGENTS.includes(proposer);
  let source: string;
  try {
    source = readUserText(paths.root, file, `the prompt template ${rel}`);
  } catch (e) {
    if (!agent && kindConfined(paths.root, file) === null) return { problems: [], checked: false };
    return { problems: [{ file: rel, problem: (e as Error).message, allowed: `a template file (proposer.prompt), needed by the ${proposer} proposer` }], checked: false };
  }
  try {
    renderPrompt(source, { view: emptyView(), policy: policy ?? { version: 1, keys: {} }, settings, runId: '001', attempt: 1, previousErrors: [], mcp: true, workspace: paths.root }, rel);
    return { problems: [], checked: true };
  } catch (e) {
    const allowed = e instanceof TemplateError ? e.allowed.map((v) => `{{${v}}}`).join(', ') : 'placeholders among the prompt variables';
    return { problems: [{ file: rel, problem: `does not render: ${(e as Error).message}`, allowed }], checked: true };
  }
}
