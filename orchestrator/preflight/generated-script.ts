/**
 * The trainer script `autopilot init` generated, read back for the preflight: the argv its exec
 * line runs, when the script is still exactly in the generated form. The script is workspace
 * ground: read without following links or opening a FIFO, and only a small one.
 */
import { readConfined, relativeTo } from '../../adapters/fs/confined.js';
import { generatedTrainerArgv } from '../../domain/scaffold/script-argv.js';
import type { WorkspacePaths } from '../../adapters/workspace.js';

/** A generated script is about a kilobyte; anything much larger was not written by init. */
const MAX_SCRIPT_BYTES = 64 * 1024;

/**
 * The workspace-relative file and exec argv of the script at `script` (absolute), or null when
 * it lies outside the workspace, cannot be read safely, or is not in the generated form.
 */
export function readGeneratedScript(paths: WorkspacePaths, script: string): { file: string; argv: string[] } | null {
  let file: string;
  try {
    file = relativeTo(paths.root, script);
  } catch {
    return null;
  }
  const read = readConfined(paths.root, script, MAX_SCRIPT_BYTES);
  if (read.kind !== 'file') return null;
  const argv = generatedTrainerArgv(read.bytes.toString('utf8'));
  return argv === null ? null : { file, argv };
}
