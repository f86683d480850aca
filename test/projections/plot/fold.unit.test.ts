import { describe, expect, it } from 'vitest';
import type { DataOf } from '../../../events/catalogue.js';
import { foldForPlots, metricOfView } from '../../../projections/plot/fold.js';
import { LogBuilder } from '../support.js';
import { loop3 } from './loop-history.js';

describe('foldForPlots', () => {
  it('places each incumbent change at the latest planned run, and keeps every progress report', () => {
    const b = loop3();
    const changes = b.events.filter((e) => e.event.type === 'IncumbentChanged');
    const { view, log } = foldForPlots(b.events);
    expect(log.incumbents).toHaveLength(changes.length);
    for (const [i, c] of changes.entries()) {
      const planned = b.events.filter((e) => e.seq < c.seq && e.event.type === 'RunPlanned').length;
      expect(log.incumbents[i]).toMatchObject({ at: planned });
    }
    expect(log.incumbents[log.incumbents.length - 1]!.mean).toBe(view.incumbent!.ref.mean);
    expect([...log.progress.keys()]).toEqual(['001', '002', '003']);
    expect(log.progress.get('001')).toEqual([{ attempt: 1, metrics: expect.objectContaining({ agent_steps: 1000 }) }]);
  });
});

describe('metricOfView', () => {
  it("names the evaluations' metric, else the one autopilot.json binds, else none", () => {
    expect(metricOfView(foldForPlots(loop3().events).view)).toBe('mean_reward');
    const started = loop3().events.find((e) => e.event.type === 'LoopStarted')!;
    const fresh = new LogBuilder();
    fresh.add('LoopStarted', started.event.data as DataOf<'LoopStarted'>);
    expect(metricOfView(foldForPlots(fresh.events).view)).toBe('mean_reward');
    expect(metricOfView(foldForPlots([]).view)).toBeNull();
  });
});
