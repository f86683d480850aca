/** How a launch's containment result maps to a violation path. */
import { describe, expect, it } from 'vitest';
import { uncontainedChange } from '../../../adapters/proposers/uncontained.js';

describe('when a launch result says whether it was contained', () => {
  it('says nothing of a contained launch', () => {
    expect(uncontainedChange('logs/002.proposer-1.log', 'cgroup', { contained: true, recorded: true })).toBeNull();
  });

  it('names the launch by its log, the mode, and why, never as restored', () => {
    expect(uncontainedChange('logs/002.proposer-1.log', 'cgroup', { contained: false, recorded: true })).toEqual({
      path: 'logs/002.proposer-1.log',
      change: 'modified',
      restored: false,
      note: 'not every process of this agent launch was ended (containment cgroup: something it started could not be ended); what still runs may change the workspace after it was checked',
    });
    expect(uncontainedChange('logs/002.proposer-1.log', 'subreaper', { contained: false, recorded: false })?.note).toContain('its supervisor was killed');
  });
});
