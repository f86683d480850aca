import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupAlive } from '../../../adapters/launcher/process-group.js';
import { survivors, tempDir, useLaunches, waitForRole } from './support.js';

const launch = useLaunches();

describe('when a trainer sleeps without printing anything', () => {
  it('is terminated by the no-output timeout and reported as hung, with the signal it died of', async () => {
    const { dir, handle } = launch('sleep:600000', { noOutput: 1000, grace: 1000 });
    const r = await handle.result;
    expect(r).toMatchObject({ stoppedFor: 'hung', recorded: true, exitCode: null, signal: 'SIGTERM' });
    expect(survivors(dir)).toEqual([]);
    expect(groupAlive(handle.pid)).toBe(false);
  });
});

describe('when a trainer keeps printing past its wall-clock limit', () => {
  it('is terminated and reported as timeout, with the metrics it printed so far', async () => {
    const { dir, handle } = launch('tick:100', { wall: 1500, noOutput: 60_000, grace: 1000 });
    const r = await handle.result;
    expect(r).toMatchObject({ stoppedFor: 'timeout', recorded: true, exitCode: null, signal: 'SIGTERM' });
    expect(r.lastMetrics?.agent_steps).toBeGreaterThanOrEqual(1);
    const log = readFileSync(join(dir, 'out.log'), 'utf8');
    expect(log).toContain('"agent_steps":1,');
    expect(survivors(dir)).toEqual([]);
  });
});

describe('when a trainer floods its output without end', () => {
  it('still hits the wall-clock limit: following the log never starves the timers', async () => {
    const { dir, handle } = launch('spew', { wall: 1000, noOutput: 60_000, grace: 500 });
    const r = await handle.result;
    expect(r.stoppedFor).toBe('timeout');
    expect(r.tail.at(-1)).toMatch(/^s+$/);
    expect(survivors(dir)).toEqual([]);
  });
});

describe('when the orchestrator stops a running trainer', () => {
  it('terminates the group and reports it as killed', async () => {
    const { dir, handle } = launch(`wait:${join(tempDir(), 'never')}`, { noOutput: 60_000, grace: 1000 });
    await waitForRole(dir, 'trainer');
    handle.stop('killed');
    const r = await handle.result;
    expect(r).toMatchObject({ stoppedFor: 'killed', recorded: true, exitCode: null, signal: 'SIGTERM' });
    expect(survivors(dir)).toEqual([]);
  });
});
