import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { historyWorkspace } from '../support/histories.js';
import { CLI } from '../support/workspace.js';

const run = (args: string[]) => execa('node', [CLI, ...args], { reject: false });

interface LoggedEvent {
  seq: number;
  stream: string;
  type: string;
  at: string;
  data: Record<string, unknown>;
}

describe('when a loop of three runs has run with the fake trainer', () => {
  let ws: string;
  let events: LoggedEvent[];
  beforeAll(async () => {
    // A three-run loop's log, imported from its committed fixture (test/support/histories.ts).
    ws = await historyWorkspace('loop-3');
    events = (await run(['events', '--workspace', ws, '--json'])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as LoggedEvent);
  });

  it('replays the launch of a run: state train, that run in the context, the runs before it in the view', async () => {
    const started = events.find((e) => e.type === 'RunStarted' && e.stream === 'run-002')!;
    const r = await run(['replay', '--at', String(started.seq), '--workspace', ws, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ seq: started.seq, at: started.at, type: 'RunStarted', stream: 'run-002', session: '0001' });
    expect(report.machine).toMatchObject({ state: 'train', status: 'active', from_seq: 1, to_seq: started.seq });
    expect(report.machine.context.run).toMatchObject({ runId: '002', attempt: 1, started: { pid: started.data.pid, argv: started.data.argv } });
    expect(report.machine.context.runsCompleted).toBe(1);
    expect(report.view.events).toBe(started.seq);
    expect(report.view.runs.map((x: { run_id: string; status: string }) => [x.run_id, x.status])).toEqual([
      ['001', 'completed'],
      ['002', 'running'],
    ]);
    expect(report.view.incumbent).toMatchObject({ run_id: '001' });

    const text = (await run(['replay', '--at', String(started.seq), '--workspace', ws])).stdout;
    expect(text).toContain(`After event #${started.seq}`);
    expect(text).toContain('state: train (active)');
    expect(text).toContain(`in flight: attempt 1, pid ${started.data.pid}`);
  });

  it('replays the last event into what status shows', async () => {
    const last = events.at(-1)!;
    const report = JSON.parse((await run(['replay', '--at', String(last.seq), '--workspace', ws, '--json'])).stdout);
    const status = JSON.parse((await run(['status', '--workspace', ws, '--json'])).stdout);
    expect(report.view.events).toBe(status.events);
    expect(report.view.sessions).toEqual(status.sessions);
    expect(report.view.runs).toEqual(status.runs);
    expect(report.view.incumbent).toEqual(status.incumbent);
    expect(report.machine.state).toBe(status.sessions[0].state);
    expect(report.machine).toMatchObject({ state: 'done', status: 'done' });
    expect(report.machine.context.runsCompleted).toBe(3);
    expect(report.machine.context.incumbent.runId).toBe(status.incumbent.run_id);
  });

  it('replays a state change between two runs', async () => {
    const between = events.find((e) => e.type === 'StateEntered' && e.data.to === 'propose')!;
    const report = JSON.parse((await run(['replay', '--at', String(between.seq), '--workspace', ws, '--json'])).stdout);
    expect(report.machine.state).toBe('propose');
    expect(report.machine.context.run).toBeNull();
    expect(report.summary).toBe(`${String(between.data.from)} -> propose on ${String(between.data.event)}`);
  });

  it('exits 2 naming the valid range for a seq outside the log', async () => {
    const last = events.at(-1)!.seq;
    for (const at of ['0', String(last + 1), 'abc']) {
      const r = await run(['replay', '--at', at, '--workspace', ws]);
      expect(r.exitCode, at).toBe(2);
      expect(r.stderr).toContain(`the log holds events 1..${last}`);
    }
  });
});
