/** `autopilot policy import-puffer`: a PufferLib sweep (one env's .ini, optionally over default.ini) as a policy. */
import { readFileSync } from 'node:fs';
import { PolicyError } from '../domain/policy/policy.js';
import { mergePufferInis } from '../integrations/pufferlib/baseline.js';
import { importPufferSweepIni, parsePufferIni, PufferIniError, type PufferIni } from '../integrations/pufferlib/ini.js';
import { printLine } from '../orchestrator/console.js';
import { AutopilotError, EXIT, failure, UsageError } from '../domain/errors.js';
import { formatPolicyJson, listIssues, writeText } from './policy-text.js';
import type { CliIo } from './io.js';

/**
 * `policy import-puffer [DEFAULT.ini] FILE [--env NAME] [--out FILE]`: with two files, the second is
 * merged over the first as PufferLib's `load_config` reads them (configparser: sections merged, the
 * env's keys winning). Returns the exit code; throws an AutopilotError (exit 2) for an unreadable or invalid ini, or a third file.
 */
export function importPufferCommand(list: readonly string[], o: { env?: string; out?: string }, io: CliIo): number {
  if (list.length < 1 || list.length > 2) throw new UsageError(`import-puffer takes an env's .ini file, optionally after default.ini (PufferLib merges the two); got ${list.length} files`);
  const inis: PufferIni[] = [];
  for (const file of list) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as Error).message}`, { file });
    }
    try {
      inis.push(parsePufferIni(text));
    } catch (e) {
      if (e instanceof PufferIniError) throw new AutopilotError('puffer-ini', `${file}${e.line === null ? '' : `:${e.line}`}: ${e.problem}`, { file });
      throw e;
    }
  }
  // A line number of the merge belongs to whichever file set that key; both are named.
  const source = list.length === 2 ? `${list[1]} (merged over ${list[0]})` : list[0]!;
  try {
    const merged = inis.length === 2 ? mergePufferInis(inis[0]!, inis[1]!) : inis[0]!;
    const { policy, notes } = importPufferSweepIni(merged, o.env === undefined ? {} : { env: o.env });
    if (list.length === 2) notes.unshift(`merged ${list[1]} over ${list[0]}, as PufferLib does`);
    for (const note of notes) printLine(`note: ${note}`, io.err);
    const json = formatPolicyJson(policy);
    if (o.out === undefined) io.out.write(json);
    else {
      writeText(o.out, json);
      printLine(`wrote ${Object.keys(policy.keys).length} key(s) to ${o.out}`, io.err);
    }
    return EXIT.ok;
  } catch (e) {
    if (e instanceof PufferIniError) throw new AutopilotError('puffer-ini', `${source}${e.line === null ? '' : `:${e.line}`}: ${e.problem}`, { file: list.at(-1)! });
    if (e instanceof PolicyError) throw failure(`the policy imported from ${source} is invalid:\n${listIssues(e.issues)}`);
    throw e;
  }
}
