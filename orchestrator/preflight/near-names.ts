/**
 * "Did you mean …?" for a trainer file or command that is not there: the closest name in the folder
 * it was looked for in, or among the commands on PATH. Lists folders only (follows no link into a
 * file, opens nothing) and looks at a bounded number of names.
 */
import { readdirSync } from 'node:fs';
import { delimiter, dirname, resolve } from 'node:path';
import { closestName } from '../../domain/preflight/suggest.js';

/** Names looked at per folder: a huge folder is not read whole for a hint. */
const MAX_NAMES = 10_000;

function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir).slice(0, MAX_NAMES);
  } catch {
    return [];
  }
}

/** ` (did you mean X?)` with X the path as written with its last part replaced by the closest name beside `absolute`; '' when none is close. */
export function nearFileHint(written: string, absolute: string): string {
  const base = written.slice(written.lastIndexOf('/') + 1);
  const near = base === '' ? null : closestName(base, namesIn(dirname(absolute)));
  return near === null ? '' : ` (did you mean ${written.slice(0, written.length - base.length)}${near}?)`;
}

/** ` (did you mean X?)` with X the closest command name in the folders of `pathVar`; '' when none is close. */
export function nearCommandHint(name: string, pathVar: string, cwd: string): string {
  const names = new Set(
    pathVar
      .split(delimiter)
      .filter(Boolean)
      .flatMap((d) => namesIn(resolve(cwd, d))),
  );
  const near = closestName(name, names);
  return near === null ? '' : ` (did you mean ${near}?)`;
}
