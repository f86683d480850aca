/**
 * Before a Slurm session records anything: the controller answers and the partition exists, so a
 * wrong setup fails at once (exit 2) instead of as a recorded launcher failure at the first run.
 */
import type { Settings } from '../domain/config/settings.js';
import { partitionExists, slurmPing } from '../adapters/launcher/slurm/commands.js';
import { WorkspaceError } from '../adapters/workspace.js';

/** Throws a WorkspaceError naming what is wrong when `launcher` is `slurm` and Slurm cannot take jobs. */
export async function requireSlurmReady(settings: Settings): Promise<void> {
  const slurm = settings.launcher.slurm;
  if (settings.launcher.kind !== 'slurm' || !slurm) return;
  const ping = await slurmPing();
  if (!ping.ok)
    throw new WorkspaceError(`autopilot.json launcher "slurm": Slurm's controller does not answer: ${ping.message}`, {
      hint: 'check `scontrol ping` and `sinfo` on this machine (it must be a Slurm submit host), or set "launcher": "local"',
    });
  if (slurm.partition !== undefined && !(await partitionExists(slurm.partition)))
    throw new WorkspaceError(`autopilot.json slurm.partition: partition "${slurm.partition}" does not exist on this cluster`, {
      hint: '`sinfo -s` lists the partitions',
      key: 'slurm.partition',
    });
}
