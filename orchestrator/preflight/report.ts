/** How a preflight report is shown: the problems, one per line, or what a session would start with. */
import { trainerArgv } from '../../adapters/actors/trainer-argv.js';
import { redactArgv } from '../../adapters/secrets.js';
import { formatProblem } from '../../domain/preflight/problem.js';
import { baselineFile } from './inputs.js';
import type { PreflightReport } from './preflight.js';

/** `- <file> <key>: <problem>; allowed: …`, one line per problem. */
export function problemLines(report: PreflightReport): string[] {
  return report.problems.map((p) => `- ${formatProblem(p)}`);
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
  lines.push(`  prompt:      ${f.prompt ? `${f.prompt} renders` : 'not used by this proposer'}`);
  if (f.containment) lines.push(`  containment: ${f.containment}`);
  return lines;
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
    ...(f.trainer ? { trainer: f.trainer } : {}),
    ...(baselineArgv(report) ? { argv: baselineArgv(report) } : {}),
    ...(f.settings ? { metric: f.settings.metric } : {}),
    ...(f.policy ? { policy: { keys: Object.keys(f.policy.keys).length, optional: Object.values(f.policy.keys).filter((k) => k.optional).length, rules: f.policy.rules?.length ?? 0 } } : {}),
    ...(f.prompt ? { prompt: f.prompt } : {}),
    ...(f.containment ? { containment: f.containment } : {}),
  };
}
