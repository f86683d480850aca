/**
 * `autopilot policy …`: import a PufferLib sweep as a policy, check a policy and print it as a
 * table, and print the JSON Schema of policy.json.
 */
import { rangeText } from '../domain/policy/key-spec.js';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { z } from 'zod';
import { formatNumber } from '../domain/text/format.js';
import { parsePolicy, PolicyError, PolicySchema, type KeySpec, type Policy } from '../domain/policy/policy.js';
import { jsonSyntaxError } from '../domain/text/strict-json.js';
import { describeRule } from '../domain/policy/rules.js';
import { escapeJson } from '../domain/text/escape.js';
import { printJson, printLine } from '../orchestrator/console.js';
import { EXIT, failure, UsageError } from '../domain/errors.js';
import { workspacePaths } from '../adapters/workspace.js';
import { listIssues, writeText } from './policy-text.js';
import type { CliIo } from './io.js';

/** Adds `policy import-puffer | check | schema` to `program`; actions store their exit code in `result.code`. */
export function registerPolicyCommand(program: Command, result: { code: number }, io: CliIo): void {
  const policy = program.command('policy').description('import, check and describe policy.json (what a proposer may change)');
  policy
    .command('import-puffer')
    .description(
      'convert the [sweep.<section>.<key>] sections of PufferLib .ini files into a policy (printed, or written with --out); ' +
        "given default.ini and an env's file, merges them as PufferLib does (the env's file over default.ini, section by section, key by key)",
    )
    .argument('<files...>', "[pufferlib/config/default.ini] pufferlib/config/ocean/drone_pp.ini: an env's config file, optionally after default.ini")
    .option('--env <name>', "the env to import for (one of the file's [base] env_name)")
    .option('--out <file>', 'write the policy here instead of printing it')
    .action(async (files: string[], o: { env?: string; out?: string }) => {
      // Imported when run, as the other commands are: every command would otherwise load it.
      result.code = (await import('./policy-import.js')).importPufferCommand(files, o, io);
    });
  policy
    .command('check')
    .description("validate a policy (the workspace's policy.json, or --file) and print it as a table")
    .addOption(new Option('--workspace <dir>', 'workspace directory').default('autopilot'))
    .option('--file <file>', "check this policy file instead of the workspace's")
    .addOption(new Option('--json', 'machine-readable output: one JSON object'))
    .action((o: { workspace: string; file?: string; json?: boolean }) => {
      result.code = checkPolicyCommand(o, io);
    });
  policy
    .command('set')
    .description('replace policy.json with FILE between sessions, recording the change and why in the log (the only change a session accepts)')
    .argument('<file>', 'the new policy')
    .addOption(new Option('--workspace <dir>', 'workspace directory').default('autopilot'))
    .option('--why <reason>', 'why the policy changes (recorded)')
    .addOption(new Option('--json', 'machine-readable output: one JSON object'))
    .action(async (file: string, o: { workspace: string; why?: string; json?: boolean }) => {
      // The projection writer it needs is the heaviest import of the CLI: loaded only for `policy set`.
      result.code = (await import('./policy-set.js')).policySetCommand(file, o, io);
    });
  policy
    .command('schema')
    .description('print the JSON Schema of policy.json (for editors), or write it with --out')
    .option('--out <file>', 'write the schema here instead of printing it')
    .action((o: { out?: string }) => {
      result.code = policySchemaCommand(o, io);
    });
}

/** `policy check [--workspace DIR] [--file FILE] [--json]`; returns 0 when valid; throws an AutopilotError, exit 1 when not, 2 when there is no file. */
export function checkPolicyCommand(o: { workspace: string; file?: string; json?: boolean }, io: CliIo): number {
  const path = o.file === undefined ? workspacePaths(o.workspace).policy : resolve(o.file);
  if (!existsSync(path)) throw new UsageError(`policy not found at ${path}`, { file: path, ...(o.file === undefined ? { hint: 'pass --workspace DIR or --file FILE' } : {}) });
  const problems: string[] = [];
  let policy: Policy | null = null;
  try {
    policy = parsePolicy(JSON.parse(readFileSync(path, 'utf8')));
  } catch (e) {
    if (e instanceof PolicyError) problems.push(...e.issues);
    else if (e instanceof SyntaxError) problems.push(`not valid JSON: ${jsonSyntaxError(readFileSync(path, 'utf8')) ?? e.message}`);
    else throw e;
  }
  if (o.json) {
    printJson(policy ? { file: path, ok: true, policy } : { file: path, ok: false, problems }, io.out);
    return policy ? EXIT.ok : EXIT.failed;
  }
  if (!policy) throw failure(`policy ${path} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${listIssues(problems)}`, { file: path });
  for (const line of describePolicy(policy, path)) printLine(line, io.out);
  return EXIT.ok;
}

/** `policy schema [--out FILE]`. */
export function policySchemaCommand(o: { out?: string }, io: CliIo): number {
  const json = `${escapeJson(JSON.stringify(policyJsonSchema(), null, 2))}\n`;
  if (o.out === undefined) io.out.write(json);
  else writeText(o.out, json);
  return EXIT.ok;
}

/** Dotted keys as `isSafeDottedKey` accepts them (the forbidden segments aside). */
const DOTTED_KEY_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$';

/** The JSON Schema of policy.json, generated from the zod schema (refinements such as min <= max are checked by autopilot only). */
export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PolicySchema, { io: 'input' }) as Record<string, unknown> & { properties?: { keys?: { propertyNames?: object } } };
  // zod cannot express the dotted-key refinement; give editors the pattern it checks.
  const keys = schema.properties?.keys;
  if (keys !== undefined) keys.propertyNames = { type: 'string', pattern: DOTTED_KEY_PATTERN };
  return {
    ...schema,
    title: 'autopilot policy.json',
    description:
      'What a proposer may change: whitelisted keys with types, ranges or choices and search distributions; derived rules; the files an agent may touch. Check a file with `autopilot policy check --file FILE`.',
  };
}

/** The policy as human-readable lines: a table of keys, the rules in words, the allowed paths. */
export function describePolicy(policy: Policy, path: string): string[] {
  const keys = Object.entries(policy.keys);
  const rules = policy.rules ?? [];
  // `optional`: the baselines may leave the key out (see `autopilot check`).
  const rows = keys.map(([key, spec]) => [key, spec.type, rangeText(spec), distributionOf(spec), spec.optional ? 'yes' : '-', spec.description ?? '']);
  const header = ['key', 'type', 'range/choices', 'distribution', 'optional', 'description'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  const out = [`policy ${path}: ok, ${keys.length} key${keys.length === 1 ? '' : 's'}, ${rules.length} rule${rules.length === 1 ? '' : 's'}`, ''];
  out.push(line(header), ...rows.map(line), '');
  if (rules.length === 0) out.push('rules: none');
  else {
    out.push('rules (applied in this order after the merge):');
    rules.forEach((rule, i) => out.push(`  ${i + 1}. ${describeRule(rule)}${rule.description ? ` — ${rule.description}` : ''}`));
  }
  out.push(`allowed_paths: ${policy.allowed_paths === undefined ? 'not set' : policy.allowed_paths.length === 0 ? 'none' : policy.allowed_paths.join(', ')}`);
  return out;
}

function distributionOf(spec: KeySpec): string {
  if (spec.type === 'boolean' || spec.type === 'enum') return '-';
  const params = [spec.mean === undefined ? null : `mean ${formatNumber(spec.mean)}`, spec.scale === undefined ? null : `scale ${formatNumber(spec.scale)}`].filter((p) => p !== null);
  return `${spec.distribution ?? '(default)'}${params.length > 0 ? ` (${params.join(', ')})` : ''}`;
}
