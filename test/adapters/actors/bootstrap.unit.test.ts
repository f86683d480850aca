import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { bootstrapActor } from '../../../adapters/actors/bootstrap.js';
import type { ActorDeps } from '../../../adapters/actors/deps.js';
import { loadPolicy, loadSettings, workspacePaths } from '../../../adapters/workspace.js';
import { emptyView } from '../../../projections/view.js';
import { memoryRecorder, type MemoryRecorder } from '../../support/memory-recorder.js';
import { fakeTrainerWorkspace } from '../../support/workspace.js';

const now = new Date('2026-01-01T00:00:00.000Z');

function depsOf(recorder: MemoryRecorder): ActorDeps {
  const paths = workspacePaths(fakeTrainerWorkspace());
  const settings = loadSettings(paths);
  return {
    paths,
    settings,
    policy: loadPolicy(paths),
    options: { runs: 3, mode: 'quick', proposer: 'builtin', seed: 7 },
    newSession: '0001',
    history: emptyView,
    now: () => now,
    containment: 'process-group',
    recorder,
  };
}

describe('the bootstrap actor, against an in-memory recorder', () => {
  it('records the session start and plans the baseline of a fresh workspace, in that order', () => {
    const recorder = memoryRecorder();
    createActor(bootstrapActor(depsOf(recorder)), { input: { session: null } }).start();
    expect(recorder.events.map((e) => e.type)).toEqual(['LoopStarted', 'RunPlanned']);
    const [started, planned] = recorder.events;
    expect(started?.type === 'LoopStarted' && started.data).toMatchObject({ session: '0001', runsRequested: 3, proposer: 'builtin', firstRunIndex: 1, incumbent: null });
    expect(planned?.data).toEqual({ runId: '001', index: 1, kind: 'baseline', mode: 'quick' });
    expect(recorder.events.every((e) => e.metadata.session === '0001' && e.metadata.at === now.toISOString())).toBe(true);
  });

  it('restarted after LoopStarted was recorded, only plans the baseline', () => {
    const recorder = memoryRecorder();
    createActor(bootstrapActor(depsOf(recorder)), { input: { session: '0001' } }).start();
    expect(recorder.events.map((e) => e.type)).toEqual(['RunPlanned']);
  });
});
