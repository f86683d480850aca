/**
 * Before a Slurm session records anything: the controller answers and the partition exists, so a
 * wrong setup fails at once (exit 2) instead of as a recorded launcher failure at the first run.
 * `autopilot check` lists the same problems.
 */
import type { Settings } from '../domain/config/settings.js';
import type { PreflightProblem } from '../domain/preflight/problem.js';
import { partitionExists, slurmPing } from '../adapters/launcher/slurm/commands.js';
import { WorkspaceError } from '../adapters/workspace.js';

/** What keeps Slurm from taking this workspace's jobs (none when the launcher is not `slurm`). */
export async function slurmProblems(settings: Settings): Promise<PreflightProblem[]> {
  const slurm = settings.launcher.slurm;
  if (settings.launcher.kind !== 'slurm' || !slurm) return [];
  const ping = await slurmPing();
  if (!ping.ok)
    return [
      {
        file: 'autopilot.json',
        key: 'launcher',
        problem: `launcher "slurm": Slurm's controller does not answer: ${ping.message}`,
        allowed: 'a Slurm submit host: check `scontrol ping` and `sinfo` on this machine, or set "launcher": "local"',
      },
    ];
  if (slurm.partition !== undefined && !(await partitionExists(slurm.partition)))
    return [{ file: 'autopilot.json', key: 'slurm.partition', problem: `partition "${slurm.partition}" does not exist on this cluster`, allowed: 'a partition `sinfo -s` lists' }];
  return [];
}

/** Throws a WorkspaceError naming the first problem when `launcher` is `slurm` and Slurm cannot take jobs. */
export async function requireSlurmReady(settings: Settings): Promise<void> {
  const [first] = await slurmProblems(settings);
  if (first) throw new WorkspaceError(`${first.file} ${first.problem}`, { ...(first.allowed ? { hint: first.allowed } : {}), ...(first.key ? { key: first.key } : {}) });
}
