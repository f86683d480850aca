/**
 * The real Slurm the Slurm tests run against: a one-node Slurm that bin/slurm-up.sh brings up (and
 * bin/test-all.sh runs before the tests). A test file calls requireSlurm() in beforeAll, so without a
 * running Slurm the file fails with what to do; it never skips.
 */
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { scontrolShowJob, squeueAll } from '../../adapters/launcher/slurm/commands.js';

const HOW = 'Slurm is not running: run `bash bin/slurm-up.sh` as root (it starts munged, slurmctld and slurmd on this machine)';

function output(command: string, argv: string[]): { ok: boolean; text: string } {
  const r = spawnSync(command, argv, { encoding: 'utf8', timeout: 15_000 });
  // On a timeout too: Slurm retries a missing slurm.conf for 60 s, and its stderr says why.
  const text = `${r.error ? `${r.error.message}: ` : ''}${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  return { ok: !r.error && r.status === 0, text };
}

/** Throws, saying how to start it, unless the controller answers and a node can take jobs (idle, mixed or allocated). */
export function requireSlurm(): void {
  const ping = output('scontrol', ['ping']);
  if (!ping.ok || !/\bis UP\b/.test(ping.text)) throw new Error(`${HOW}. scontrol ping: ${ping.text}`);
  const nodes = output('sinfo', ['-h', '-N', '-o', '%N %T']);
  if (!nodes.ok) throw new Error(`${HOW}. sinfo: ${nodes.text}`);
  const usable = nodes.text.split('\n').some((l) => /^\S+ (idle|mixed|allocated|completing)$/.test(l.trim()));
  if (!usable) throw new Error(`${HOW}. No node can take jobs; sinfo -N: ${nodes.text || '(no nodes)'}`);
}

/** The job's state now: from scontrol, or squeue's listing; null when the controller no longer knows it. */
async function stateOf(jobId: string): Promise<string | null> {
  const details = await scontrolShowJob(jobId);
  if (details) return details.state;
  return (await squeueAll()).find((e) => e.jobId === jobId)?.state ?? null;
}

/** Polls until the job is in one of `states`; resolves with that state, rejects with the last one seen after `timeoutMs`. */
export async function waitForJobState(jobId: string, states: string[], timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last: string | null = null;
  for (;;) {
    last = await stateOf(jobId);
    if (last !== null && states.includes(last)) return last;
    if (Date.now() >= deadline) break;
    await sleep(200);
  }
  throw new Error(`job ${jobId} did not reach ${states.join('|')} within ${timeoutMs} ms (last state: ${last ?? 'unknown to the controller'})`);
}

/** Makes a requeued job (held back by BeginTime, about 120 s) eligible to start now. */
export function makeJobEligibleNow(jobId: string): void {
  const r = output('scontrol', ['update', `JobId=${jobId}`, 'StartTime=now']);
  if (!r.ok) throw new Error(`scontrol update JobId=${jobId} StartTime=now failed: ${r.text}`);
}
