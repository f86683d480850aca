/** Stopping what is left of an agent attempt a crashed orchestrator had started. */
import { join } from 'node:path';
import type { DataOf } from '../../events/catalogue.js';
import { stopRecordedLaunch } from '../launcher/stop-recorded.js';
import { invocationFiles } from './agent-run.js';

/**
 * Stops every process of the recorded agent attempt (its supervisor ends what it started, its
 * containment what escaped) and waits until nothing of it runs. Returns whether it was still running.
 */
export function stopInterrupted(root: string, p: DataOf<'ProposerStarted'>): Promise<boolean> {
  const files = invocationFiles(p.runId, p.attempt);
  return stopRecordedLaunch(root, p, { logFile: join(root, files.log), exitFile: join(root, files.exit) });
}
