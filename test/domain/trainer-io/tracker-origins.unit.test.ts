import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../../domain/config/settings.js';
import { trackerOriginsOf, wandbAppOrigin } from '../../../domain/trainer-io/tracker-origins.js';

const minimal = { trainer: { command: ['python3', 'train.py'] }, metric: { name: 'score', direction: 'maximize' }, timeouts: { quick: { wall_seconds: 60, no_output_seconds: 10 } } };
const originsOf = (extra: Record<string, unknown>) => trackerOriginsOf(parseSettings({ ...minimal, ...extra }));

describe('when deciding which self-hosted tracker servers are trusted', () => {
  it('trusts none by default, nor a WANDB_BASE_URL the orchestrator only inherits', () => {
    const saved = process.env['WANDB_BASE_URL'];
    process.env['WANDB_BASE_URL'] = 'https://wandb.inherited.org';
    try {
      expect(originsOf({})).toEqual({});
      expect(originsOf({ trackers: { wandb: { project: 'drone' } } })).toEqual({});
    } finally {
      if (saved === undefined) delete process.env['WANDB_BASE_URL'];
      else process.env['WANDB_BASE_URL'] = saved;
    }
  });

  it('trusts trackers.wandb.base_url, and the app origin the W&B client prints links on', () => {
    expect(originsOf({ trackers: { wandb: { project: 'drone', base_url: 'https://wandb.mylab.org/' } } })).toEqual({ wandb: ['https://wandb.mylab.org'] });
    expect(originsOf({ trackers: { wandb: { project: 'drone', base_url: 'https://api.mylab.org:8443' } } })).toEqual({ wandb: ['https://api.mylab.org:8443', 'https://app.mylab.org:8443'] });
  });

  it("trusts trainer.env's WANDB_BASE_URL when it is an https origin, unless trackers.wandb.base_url (which the trainer gets instead) is set", () => {
    expect(originsOf({ trainer: { ...minimal.trainer, env: { WANDB_BASE_URL: 'https://wandb.mylab.org' } } })).toEqual({ wandb: ['https://wandb.mylab.org'] });
    expect(originsOf({ trainer: { ...minimal.trainer, env: { WANDB_BASE_URL: 'http://localhost:8080' } } })).toEqual({});
    expect(originsOf({ trainer: { ...minimal.trainer, env: { WANDB_BASE_URL: 'https://wandb.mylab.org/x' } } })).toEqual({});
    const both = { trainer: { ...minimal.trainer, env: { WANDB_BASE_URL: 'https://old.mylab.org' } }, trackers: { wandb: { project: 'drone', base_url: 'https://wandb.mylab.org' } } };
    expect(originsOf(both)).toEqual({ wandb: ['https://wandb.mylab.org'] });
  });

  it('trusts trackers.neptune.app_url for Neptune', () => {
    expect(originsOf({ trackers: { neptune: { workspace: 'ws', project: 'p', app_url: 'https://neptune.mylab.org' } } })).toEqual({ neptune: ['https://neptune.mylab.org'] });
  });

  it("derives W&B's app origin as wandb/util.py's app_url does", () => {
    expect(wandbAppOrigin('https://api.wandb.mylab.org')).toBe('https://wandb.mylab.org');
    expect(wandbAppOrigin('https://api.mylab.org')).toBe('https://app.mylab.org');
    expect(wandbAppOrigin('https://wandb.mylab.org')).toBe('https://wandb.mylab.org');
    expect(wandbAppOrigin('https://apis.mylab.org')).toBe('https://apis.mylab.org');
  });
});
