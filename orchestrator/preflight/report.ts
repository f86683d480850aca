/** How a preflight report is shown: the problems, one per line, or what a session would start with. */
import { trainerArgv } from '../../adapters/actors/trainer-argv.js';
import { redactArgv } from '../../adapters/secrets.js';
import { formatProblem } from '../../domain/preflight/problem.js';
import { baselineFile } from './inputs.js';
import type { PreflightReport } from './preflight.js';
import type { Settings } from '../../domain/config/settings.js';
import type { Config } from '../../domain/config/config.js';
import { namesNumber } from '../../domain/config/seed-key.js';

/** `- <file> <key>: <problem>; allowed: …`, one line per problem. */
export function problemLines(report: PreflightReport): string[] {
  return report.problems.map((p) => `- ${formatProblem(p)}`);
}

/** `warning: <file> <key>: <what>; allowed: …`, one line per warning. */
export function warningLines(report: PreflightReport): string[] {
  return report.warnings.map((w) => `warning: ${formatProblem(w)}`);
}

/** The argv of the baseline run (secrets redacted), when the preflight got that far. */
export function baselineArgv(report: PreflightReport): string[] | null {
  const { settings, runConfig } = report.facts;
  if (!settings || !runConfig) return null;
  return redactArgv(trainerArgv(settings, runConfig, '<session>', '001'), settings.secrets.record);
}

/** What a session would start with, for `autopilot check` when nothing is wrong. */
export function summaryLines(workspace: string, report: PreflightReport): string[] {
  const f = report.facts;
  const keys = Object.values(f.policy?.keys ?? {});
  const optional = keys.filter((k) => k.optional).length;
  const rules = f.policy?.rules?.length ?? 0;
  const lines = [`ok: ${workspace} is ready for a ${f.mode} session with the ${f.proposer ?? '?'} proposer`];
  if (f.trainer) lines.push(`  trainer:     ${f.trainer.executable}${f.trainer.script ? ` running ${f.trainer.script}` : ''} (cwd ${f.trainer.cwd})`);
  const argv = baselineArgv(report);
  if (argv) lines.push(`  argv:        ${argv.join(' ')}   (the baseline run's)`);
  lines.push(
    `  policy:      ${keys.length} key${keys.length === 1 ? '' : 's'} in ${baselineFile(f.mode)}${optional ? ` (${optional} optional)` : ''}, ${rules} rule${rules === 1 ? '' : 's'}`,
  );
  if (f.settings) lines.push(`  metric:      ${f.settings.metric.name} (${f.settings.metric.direction})`);
  if (f.settings) lines.push(`  seeds:       ${seedsLine(f.settings.seeds, f.baseline)}`);
  lines.push(`  prompt:      ${f.prompt ? `${f.prompt} renders` : 'not used by this proposer'}`);
  if (f.containment) lines.push(`  containment: ${f.containment}`);
  return lines;
}

/** Where a run's seed is set, or that the trainer seeds itself. */
function seedsLine(seeds: Settings['seeds'], baseline: Config | undefined): string {
  if (seeds.key === null) return 'not set by autopilot (seeds.key null: the trainer seeds itself each run)';
  if (baseline && !namesNumber(baseline, seeds.key)) return `not set by autopilot: ${seeds.key} names no number in the baseline (every run gets the trainer's own seed)`;
  return `${seeds.key} (${seeds.policy} for proposals; fresh for replicates and re-runs)`;
}

/** The report as one JSON object (`--json`). */
export function reportJson(workspace: string, report: PreflightReport): Record<string, unknown> {
  const f = report.facts;
  return {
    ok: report.problems.length === 0,
    workspace,
    mode: f.mode,
    ...(f.proposer ? { proposer: f.proposer } : {}),
    problems: report.problems,
    warnings: report.warnings,
    ...(f.trainer ? { trainer: f.trainer } : {}),
    ...(baselineArgv(report) ? { argv: baselineArgv(report) } : {}),
    ...(f.settings ? { metric: f.settings.metric, seeds: f.settings.seeds } : {}),
    ...(f.policy ? { policy: { keys: Object.keys(f.policy.keys).length, optional: Object.values(f.policy.keys).filter((k) => k.optional).length, rules: f.policy.rules?.length ?? 0 } } : {}),
    ...(f.prompt ? { prompt: f.prompt } : {}),
    ...(f.containment ? { containment: f.containment } : {}),
  };
}
