/** `autopilot verify`: walk the hash chain and per-stream versions. */
import { existsSync } from 'node:fs';
import { verifyLog } from '../events/verify.js';
import { assertWorkspace, workspacePaths } from '../orchestrator/workspace.js';
import { guarded } from './open-store.js';

/** Runs `verify`; returns the exit code. */
export function verifyCommand(o: { workspace: string; json?: boolean }): number {
  return guarded(() => {
    const paths = workspacePaths(o.workspace);
    assertWorkspace(paths);
    if (!existsSync(paths.events)) {
      process.stderr.write(`autopilot: no event log at ${paths.events}\n`);
      return 1;
    }
    const r = verifyLog(paths.events);
    if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    else if (r.ok) process.stdout.write(`ok: ${r.events} event(s) in ${r.streams} stream(s), chain intact, head ${r.headHash.slice(0, 12)}\n`);
    else process.stdout.write(`BROKEN at seq ${r.firstBadSeq}: ${r.reason}\n`);
    return r.ok ? 0 : 1;
  });
}
