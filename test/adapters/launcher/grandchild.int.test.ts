import { describe, expect, it } from 'vitest';
import { groupAlive } from '../../../adapters/launcher/process-group.js';
import { recordedPids, survivors, useLaunches } from './support.js';

const launch = useLaunches();

describe('when a trainer forks a grandchild that ignores SIGTERM', () => {
  describe('and then hangs', () => {
    it('terminates the whole group: neither the trainer nor the grandchild is left running', async () => {
      const { dir, handle } = launch('grandchild:600000', { noOutput: 1500, grace: 1000 });
      const r = await handle.result;
      expect(recordedPids(dir).map((p) => p.role)).toEqual(['trainer', 'grandchild']);
      expect(survivors(dir)).toEqual([]);
      expect(groupAlive(handle.pid)).toBe(false);
      expect(r.stoppedFor).toBe('hung');
    });

    it('records the signal the trainer died of, although the grandchild outlived the grace period', async () => {
      // A short grace: the supervisor, not the group's SIGKILL at the grace's end, must get to record the trainer's end.
      const { handle } = launch('grandchild:600000', { noOutput: 1500, grace: 500 });
      const r = await handle.result;
      expect(r).toMatchObject({ stoppedFor: 'hung', recorded: true, exitCode: null, signal: 'SIGTERM' });
    });
  });

  describe('and then exits normally, leaving the grandchild holding its output', () => {
    it('ends the run with the exit code and reaps the grandchild, without waiting for a timeout', async () => {
      const { dir, handle } = launch('grandchild:0', { noOutput: 20_000, grace: 1000 });
      const r = await handle.result;
      expect(r).toMatchObject({ stoppedFor: null, recorded: true, exitCode: 0, signal: null });
      expect(r.lastMetrics?.mean_reward).toBeGreaterThan(0);
      expect(survivors(dir)).toEqual([]);
      expect(groupAlive(handle.pid)).toBe(false);
    });
  });
});
