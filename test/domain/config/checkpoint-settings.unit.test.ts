import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../../domain/config/settings.js';
import { CHECKPOINT_DEFAULTS, requirePerRunDir } from '../../../domain/config/checkpoint-settings.js';

const base = { trainer: { command: ['t'] }, metric: { name: 'm', direction: 'maximize' }, timeouts: { quick: { wall_seconds: 1, no_output_seconds: 1 } } };

describe('the checkpoints settings', () => {
  it('default to the run folder, keeping everything, with caps', () => {
    expect(parseSettings(base).checkpoints).toEqual(CHECKPOINT_DEFAULTS);
    expect(CHECKPOINT_DEFAULTS.dir).toBe('runs/{run}/checkpoints');
  });

  it.each(['/data/experiments', '../experiments', 'a/../../b'])('read %s outside the workspace only when outside_workspace says so', (dir) => {
    expect(() => parseSettings({ ...base, checkpoints: { dir } })).toThrow(/checkpoints\.dir: .* is outside the workspace; set checkpoints\.outside_workspace to true/);
    expect(parseSettings({ ...base, checkpoints: { dir, outside_workspace: true } }).checkpoints.dir).toBe(dir);
  });

  it('take keep from the save strategies and refuse anything else', () => {
    expect(parseSettings({ ...base, checkpoints: { keep: 'best' } }).checkpoints.keep).toBe('best');
    expect(() => parseSettings({ ...base, checkpoints: { keep: 3 } })).toThrow(/checkpoints\.keep/);
  });

  it('refuse a folder shared by runs only when runs are in flight together', () => {
    const shared = parseSettings({ ...base, checkpoints: { dir: 'experiments' } }).checkpoints;
    expect(() => requirePerRunDir(shared, 1)).not.toThrow();
    expect(() => requirePerRunDir(shared, 2)).toThrow(/shared by every run, and 2 runs would be in flight.*experiments\/\{run\}/);
    expect(() => requirePerRunDir(parseSettings({ ...base, checkpoints: { dir: 'experiments/{run}' } }).checkpoints, 4)).not.toThrow();
  });
});
