/** An agent launch whose processes were not all ended, as a violation the loop records. */
import type { Containment } from '../../events/catalogue.js';
import type { Change } from '../integrity.js';
import type { LaunchResult } from '../launcher/local.js';

/**
 * The violation path for a launch that was not contained (`r.contained` false), named by its log
 * (`logRel`); null when it was. What still runs may change the workspace after it was checked.
 */
export function uncontainedChange(logRel: string, mode: Containment['mode'], r: Pick<LaunchResult, 'contained' | 'recorded'>): Change | null {
  if (r.contained) return null;
  const why = r.recorded ? 'something it started could not be ended' : 'its supervisor was killed, so nothing could tell what was left';
  return {
    path: logRel,
    change: 'modified',
    restored: false,
    note: `not every process of this agent launch was ended (containment ${mode}: ${why}); what still runs may change the workspace after it was checked`,
  };
}
