import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../../domain/config/settings.js';

const minimal = { trainer: { command: ['python3', 'train.py'] }, metric: { name: 'score', direction: 'maximize' }, timeouts: { quick: { wall_seconds: 60, no_output_seconds: 10 } } };

describe('when reading the trackers of autopilot.json', () => {
  it('has none by default', () => {
    expect(parseSettings(minimal).trackers).toEqual({});
  });

  it('reads trackers.wandb with its defaults, and trackers.neptune', () => {
    expect(parseSettings({ ...minimal, trackers: { wandb: { project: 'drone', entity: 'team' } } }).trackers).toEqual({ wandb: { project: 'drone', entity: 'team', job_type: 'train' } });
    expect(parseSettings({ ...minimal, trackers: { neptune: { workspace: 'pufferai', project: 'ablations' } } }).trackers).toEqual({
      neptune: { workspace: 'pufferai', project: 'ablations' },
    });
  });

  it('still reads the former `wandb: {enabled, project}` as trackers.wandb', () => {
    expect(parseSettings({ ...minimal, wandb: { enabled: true, project: 'P' } }).trackers).toEqual({ wandb: { project: 'P', job_type: 'train' } });
    expect(parseSettings({ ...minimal, wandb: { enabled: false, project: 'P' } }).trackers).toEqual({});
    expect(parseSettings({ ...minimal, wandb: { enabled: true, project: 'P' } })).not.toHaveProperty('wandb');
  });

  it('refuses the former key, enabled, beside the new one, naming the new one; a disabled one is ignored', () => {
    expect(() => parseSettings({ ...minimal, wandb: { enabled: true, project: 'P' }, trackers: { wandb: { project: 'P' } } })).toThrow(
      /wandb: "wandb" is the former name of "trackers.wandb"/,
    );
    expect(parseSettings({ ...minimal, wandb: { enabled: false }, trackers: { neptune: { workspace: 'w', project: 'p' } } }).trackers).toEqual({ neptune: { workspace: 'w', project: 'p' } });
  });

  it('refuses both trackers at once (PufferLib logs to one), an unknown key, and a name that is not plain', () => {
    expect(() => parseSettings({ ...minimal, trackers: { wandb: { project: 'P' }, neptune: { workspace: 'w', project: 'p' } } })).toThrow(/name one tracker/);
    expect(() => parseSettings({ ...minimal, trackers: { wandb: { project: 'P', api_key: 'x' } } })).toThrow(/api_key/);
    expect(() => parseSettings({ ...minimal, trackers: { wandb: { project: 'a b/c' } } })).toThrow(/trackers\.wandb\.project: must be a name/);
  });

  it('reads trackers.wandb.base_url and trackers.neptune.app_url as an https origin, without a trailing "/"', () => {
    const wandb = (base_url: string) => parseSettings({ ...minimal, trackers: { wandb: { project: 'P', base_url } } }).trackers.wandb?.base_url;
    expect(wandb('https://wandb.mylab.org')).toBe('https://wandb.mylab.org');
    expect(wandb('https://wandb.mylab.org/')).toBe('https://wandb.mylab.org');
    expect(wandb('https://wandb-1.mylab.org:8443')).toBe('https://wandb-1.mylab.org:8443');
    expect(parseSettings({ ...minimal, trackers: { wandb: { project: 'P' } } }).trackers.wandb).not.toHaveProperty('base_url');
    expect(parseSettings({ ...minimal, trackers: { neptune: { workspace: 'w', project: 'p', app_url: 'https://neptune.mylab.org/' } } }).trackers.neptune?.app_url).toBe(
      'https://neptune.mylab.org',
    );
  });

  it('refuses a base_url or app_url that is more or else than an https origin, saying what is allowed', () => {
    for (const bad of [
      'http://wandb.mylab.org',
      'wandb.mylab.org',
      'https://wandb.mylab.org/api',
      'https://wandb.mylab.org?x=1',
      'https://wandb.mylab.org#x',
      'https://user:pw@wandb.mylab.org',
      'https://Wandb.MyLab.org',
      'https://wandb_lab.org',
      'https://-wandb.mylab.org',
      'https://wandb..mylab.org',
      'https://wandb.mylab.org:0',
      'https://wandb.mylab.org:65536',
      'https://wandb.mylab.org:',
      'https://',
    ]) {
      expect(() => parseSettings({ ...minimal, trackers: { wandb: { project: 'P', base_url: bad } } }), bad).toThrow(
        /trackers\.wandb\.base_url: must be an https origin: "https:\/\/", a lower-case host/,
      );
      expect(() => parseSettings({ ...minimal, trackers: { neptune: { workspace: 'w', project: 'p', app_url: bad } } }), bad).toThrow(/trackers\.neptune\.app_url: must be an https origin/);
    }
  });
});
