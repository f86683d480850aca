import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../domain/config/settings.js';
import { trackersFact, trackersLine } from '../../orchestrator/tracker-check.js';

const minimal = { trainer: { command: ['python3', 'train.py'] }, metric: { name: 'score', direction: 'maximize' }, timeouts: { quick: { wall_seconds: 60, no_output_seconds: 10 } } };
const settings = (extra: Record<string, unknown>) => parseSettings({ ...minimal, ...extra });
const wandb = { trackers: { wandb: { project: 'drone' } } };

describe("autopilot check's trackers line", () => {
  it('says there is none, or the Neptune project and the hosts its links are recorded on', () => {
    expect(trackersLine(trackersFact(settings({}), {}))).toBe('none (trackers in autopilot.json)');
    const neptune = trackersFact(settings({ trackers: { neptune: { workspace: 'lab', project: 'drone', app_url: 'https://neptune.mylab.org' } } }), { WANDB_BASE_URL: 'https://x.org' });
    expect(neptune).toEqual({ tracker: 'neptune', project: 'lab/drone', recordedOn: ['*.neptune.ai', 'https://neptune.mylab.org'] });
  });

  it('warns of the W&B server the trainer gets when its links go unrecorded: exported in the shell only, or not https', () => {
    expect(trackersFact(settings(wandb), {}).unrecorded).toBeUndefined();
    expect(trackersFact(settings(wandb), { WANDB_BASE_URL: 'https://wandb.mylab.org/' }).unrecorded).toBe('https://wandb.mylab.org/');
    const http = settings({ ...wandb, trainer: { ...minimal.trainer, env: { WANDB_BASE_URL: 'http://localhost:8080' } } });
    expect(trackersLine(trackersFact(http, {}))).toBe(
      'W&B project drone, run links recorded on wandb.ai, *.wandb.io; the trainer gets WANDB_BASE_URL=http://localhost:8080, but its run links will not be recorded: name an https server in trackers.wandb.base_url',
    );
  });

  it('says nothing more when the server the trainer gets is trusted, whatever the shell exports', () => {
    const named = settings({ trackers: { wandb: { project: 'drone', base_url: 'https://wandb.mylab.org' } } });
    expect(trackersFact(named, { WANDB_BASE_URL: 'https://other.org' })).toEqual({ tracker: 'wandb', project: 'drone', recordedOn: ['wandb.ai', '*.wandb.io', 'https://wandb.mylab.org'] });
    const inEnv = settings({ ...wandb, trainer: { ...minimal.trainer, env: { WANDB_BASE_URL: 'https://wandb.mylab.org/' } } });
    expect(trackersFact(inEnv, { WANDB_BASE_URL: 'https://other.org' }).unrecorded).toBeUndefined();
  });
});
