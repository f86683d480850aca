/**
 * The preflight's look at `trainer.command`: the working directory exists, argv[0] resolves (a path
 * relative to `trainer.cwd`, or a name on the trainer's PATH) to an executable file, and the script
 * an interpreter is given (`bash scripts/run_training.sh`) exists; when that script is one
 * `autopilot init` generated, so does the command on its exec line. Looks only; runs nothing.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { PreflightProblem } from '../../domain/preflight/problem.js';
import { scriptOperand } from '../../domain/preflight/trainer-command.js';
import type { Settings } from '../../domain/config/settings.js';
import { inWorkspace, type WorkspacePaths } from '../../adapters/workspace.js';
import { readGeneratedScript } from './generated-script.js';
import { nearCommandHint, nearFileHint } from './near-names.js';

/** What the trainer command resolved to. */
export interface ResolvedTrainer {
  cwd: string;
  /** The executable argv[0] names (absolute). */
  executable: string;
  /** The script an interpreter runs (absolute), when there is one. */
  script?: string;
}

function kindOf(path: string): 'file' | 'directory' | 'other' | null {
  try {
    const s = statSync(path);
    return s.isFile() ? 'file' : s.isDirectory() ? 'directory' : 'other';
  } catch {
    return null;
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where `argv0` resolves: a path (with a `/`) relative to `cwd`, else the first executable of that
 * name on `searchPath` (default: autopilot's PATH); or why it does not.
 */
export function findExecutable(argv0: string, cwd: string, searchPath?: string): { ok: true; path: string } | { ok: false; problem: string; allowed: string } {
  if (argv0.includes('/')) {
    const path = isAbsolute(argv0) ? argv0 : resolve(cwd, argv0);
    const kind = kindOf(path);
    const name = JSON.stringify(argv0);
    if (kind !== 'file')
      return {
        ok: false,
        problem: `${name}: ${path} ${kind === null ? `does not exist${nearFileHint(argv0, path)}` : 'is not a file'}`,
        allowed: `an executable file (relative to ${cwd}) or a command on PATH`,
      };
    if (!executable(path))
      return { ok: false, problem: `${name}: ${path} is not executable`, allowed: `an executable file (chmod +x ${path}), or run it through its interpreter (["bash", ${name}])` };
    return { ok: true, path };
  }
  const pathVar = searchPath ?? process.env['PATH'] ?? '';
  const candidates = pathVar
    .split(delimiter)
    .filter(Boolean)
    .map((d) => resolve(cwd, d, argv0))
    .filter((p) => kindOf(p) === 'file');
  const found = candidates.find(executable);
  if (found !== undefined) return { ok: true, path: found };
  return {
    ok: false,
    problem:
      candidates.length > 0
        ? `${JSON.stringify(argv0)} is on PATH (${candidates[0]}) but not executable`
        : `${JSON.stringify(argv0)} is not found on PATH (${pathVar || 'empty'})${nearCommandHint(argv0, pathVar, cwd)}`,
    allowed: `a command on PATH, or a path to an executable relative to ${cwd}`,
  };
}

/** A problem of one word of a trainer argv (its index in the argv). */
export interface ArgvProblem {
  index: number;
  problem: string;
  allowed: string;
}

/**
 * Checks a trainer argv run in `cwd` with `searchPath` as PATH: argv[0] resolves to an executable,
 * and the script an interpreter is given exists (relative to `cwd`, which `where` names for the
 * user); each problem with the closest name when one is near. Used for trainer.command, for
 * `init --trainer` and for the exec line of a generated trainer script.
 */
export function checkArgv(argv: readonly string[], cwd: string, searchPath?: string, where = `trainer.cwd (${cwd})`): { problems: ArgvProblem[]; resolved: ResolvedTrainer | null } {
  const problems: ArgvProblem[] = [];
  const exe = findExecutable(argv[0]!, cwd, searchPath);
  if (!exe.ok) problems.push({ index: 0, problem: exe.problem, allowed: exe.allowed });
  const script = scriptOperand(argv);
  let scriptPath: string | undefined;
  if (script) {
    scriptPath = isAbsolute(script.path) ? script.path : join(cwd, script.path);
    const kind = kindOf(scriptPath);
    if (kind !== 'file')
      problems.push({
        index: script.index,
        problem: `the script ${JSON.stringify(script.path)} ${kind === null ? `does not exist (looked for ${scriptPath})${nearFileHint(script.path, scriptPath)}` : `is not a file (looked for ${scriptPath})`}`,
        allowed: `a file relative to ${where}`,
      });
  }
  if (problems.length > 0 || !exe.ok) return { problems, resolved: null };
  return { problems, resolved: { cwd, executable: exe.path, ...(scriptPath ? { script: scriptPath } : {}) } };
}

/** Checks the trainer command (and the command a generated trainer script execs); the problems, and what it resolved to when there are none. */
export function checkTrainer(
  paths: WorkspacePaths,
  settings: { trainer: Pick<Settings['trainer'], 'command' | 'cwd' | 'env'> },
): { problems: PreflightProblem[]; resolved: ResolvedTrainer | null } {
  const file = 'autopilot.json';
  const cwd = inWorkspace(paths, settings.trainer.cwd);
  if (kindOf(cwd) !== 'directory')
    return { problems: [{ file, key: 'trainer.cwd', problem: `${cwd} is not a directory`, allowed: 'a directory, relative to the workspace (default ".")' }], resolved: null };
  const { problems, resolved } = checkArgv(settings.trainer.command, cwd, settings.trainer.env['PATH']);
  if (resolved === null) return { problems: problems.map((p) => ({ file, key: `trainer.command[${p.index}]`, problem: p.problem, allowed: p.allowed })), resolved };
  // A script init generated runs the real trainer on its exec line: that command must resolve too.
  const generated = resolved.script === undefined ? null : readGeneratedScript(paths, resolved.script);
  if (generated === null) return { problems: [], resolved };
  const exec = checkArgv(generated.argv, cwd, settings.trainer.env['PATH']);
  const onExecLine = exec.problems.map((p) => ({
    file: generated.file,
    key: `exec line, word ${p.index + 1} (${JSON.stringify(generated.argv[p.index])})`,
    problem: p.problem,
    allowed: `${p.allowed}; the exec line of this script (written by autopilot init) is the trainer's command: fix the word there`,
  }));
  return { problems: onExecLine, resolved: onExecLine.length > 0 ? null : resolved };
}
