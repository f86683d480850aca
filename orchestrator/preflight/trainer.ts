/**
 * The preflight's look at `trainer.command`: the working directory exists, argv[0] resolves (a path
 * relative to `trainer.cwd`, or a name on the trainer's PATH) to an executable file, and the script
 * an interpreter is given (`bash scripts/run_training.sh`) exists. Looks only; runs nothing.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { PreflightProblem } from '../../domain/preflight/problem.js';
import { scriptOperand } from '../../domain/preflight/trainer-command.js';
import type { Settings } from '../../domain/config/settings.js';
import { inWorkspace, type WorkspacePaths } from '../../adapters/workspace.js';

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
      return { ok: false, problem: `${name}: ${path} ${kind === null ? 'does not exist' : 'is not a file'}`, allowed: `an executable file (relative to ${cwd}) or a command on PATH` };
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
    problem: candidates.length > 0 ? `${JSON.stringify(argv0)} is on PATH (${candidates[0]}) but not executable` : `${JSON.stringify(argv0)} is not found on PATH (${pathVar || 'empty'})`,
    allowed: `a command on PATH, or a path to an executable relative to ${cwd}`,
  };
}

/** Checks the trainer command; the problems, and what it resolved to when there are none. */
export function checkTrainer(paths: WorkspacePaths, settings: Pick<Settings, 'trainer'>): { problems: PreflightProblem[]; resolved: ResolvedTrainer | null } {
  const file = 'autopilot.json';
  const { command } = settings.trainer;
  const cwd = inWorkspace(paths, settings.trainer.cwd);
  if (kindOf(cwd) !== 'directory')
    return { problems: [{ file, key: 'trainer.cwd', problem: `${cwd} is not a directory`, allowed: 'a directory, relative to the workspace (default ".")' }], resolved: null };
  const problems: PreflightProblem[] = [];
  const argv0 = command[0]!;
  const exe = findExecutable(argv0, cwd, settings.trainer.env['PATH']);
  if (!exe.ok) problems.push({ file, key: 'trainer.command[0]', problem: exe.problem, allowed: exe.allowed });
  const found = exe.ok ? exe.path : null;
  const script = scriptOperand(command);
  let scriptPath: string | undefined;
  if (script) {
    scriptPath = isAbsolute(script.path) ? script.path : join(cwd, script.path);
    const kind = kindOf(scriptPath);
    if (kind !== 'file')
      problems.push({
        file,
        key: `trainer.command[${script.index}]`,
        problem: `the script ${JSON.stringify(script.path)} ${kind === null ? 'does not exist' : 'is not a file'} (looked for ${scriptPath})`,
        allowed: `a file relative to trainer.cwd (${cwd})`,
      });
  }
  if (problems.length > 0 || found === null) return { problems, resolved: null };
  return { problems, resolved: { cwd, executable: found, ...(scriptPath ? { script: scriptPath } : {}) } };
}
