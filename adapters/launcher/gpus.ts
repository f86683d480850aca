/**
 * The GPUs the local launcher gives one run each: those `launcher.local.gpus` lists, or with
 * `"auto"` those `nvidia-smi -L` lists (one `GPU <index>: <name> (UUID: …)` line per GPU; the MIG
 * devices indented under a GPU are slices of it, not more GPUs).
 */
import { execa } from 'execa';
import { AutopilotError } from '../../domain/errors.js';

/** The GPUs found: their ids (for CUDA_VISIBLE_DEVICES), names when nvidia-smi gave them, and why there are none. */
export interface GpuList {
  source: 'settings' | 'nvidia-smi' | 'none';
  ids: string[];
  names?: string[];
  note?: string;
}

const COMMAND = 'nvidia-smi';
const ARGV = ['-L'];
const DEFAULT_TIMEOUT_MS = 10_000;
// `GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-…)`; anchored at the line start, so indented MIG lines never match.
const GPU_LINE = /^GPU (\d+): (.*?)(?:\s*\(UUID: [^)]*\))?\s*$/;
const ALLOWED = 'list the GPUs, e.g. "gpus": [0, 1], or leave "gpus" out to run without GPUs';

/** The GPUs in `nvidia-smi -L` output, in its order: their indexes and names. */
export function parseGpuList(stdout: string): { ids: string[]; names: string[] } {
  const ids: string[] = [];
  const names: string[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = GPU_LINE.exec(line);
    if (!m) continue;
    ids.push(m[1]!);
    names.push(m[2]!);
  }
  return { ids, names };
}

/**
 * The GPUs of `launcher.local.gpus`: a list as given, none when unset, and with `"auto"` those
 * `nvidia-smi -L` lists (run without a shell, found on `opts.env`'s PATH, 10 s at most). No
 * nvidia-smi means no GPUs; an nvidia-smi that fails (no driver) is an error (exit 2) naming its
 * exit code and first line of output, since `"auto"` cannot be honoured.
 */
export async function listGpus(setting: 'auto' | number[] | undefined, opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<GpuList> {
  if (setting === undefined) return { source: 'none', ids: [] };
  if (setting !== 'auto') return { source: 'settings', ids: setting.map(String) };
  const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const r = await execa(COMMAND, ARGV, { reject: false, timeout, env: opts.env, stdin: 'ignore' });
  if (r.code === 'ENOENT') return { source: 'none', ids: [], note: `${COMMAND} not found: no GPUs detected` };
  const shown = `${COMMAND} ${ARGV.join(' ')}`;
  if (r.timedOut) throw gpuError(`${shown} did not answer within ${timeout} ms`);
  if (r.exitCode === undefined) throw gpuError(`${shown} could not run: ${r.shortMessage}`);
  if (r.exitCode !== 0) {
    // nvidia-smi prints its failures (no driver, no devices) on stdout, not stderr.
    const line = firstLine(r.stderr) || firstLine(r.stdout);
    throw gpuError(`${shown} failed (exit ${r.exitCode})${line ? `: ${line}` : ''}`);
  }
  const { ids, names } = parseGpuList(r.stdout);
  return ids.length > 0 ? { source: 'nvidia-smi', ids, names } : { source: 'nvidia-smi', ids, names, note: `${shown} listed no GPUs` };
}

function firstLine(text: string | undefined): string {
  return (
    (text ?? '')
      .split(/\r?\n/)
      .find((l) => l.trim() !== '')
      ?.trim() ?? ''
  );
}

function gpuError(problem: string): AutopilotError {
  return new AutopilotError('settings-invalid', `"gpus": "auto" cannot list the GPUs: ${problem}`, { file: 'autopilot.json', key: 'launcher.local.gpus', hint: ALLOWED });
}
