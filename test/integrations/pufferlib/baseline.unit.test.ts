import { describe, expect, it } from 'vitest';
import { mergePufferInis, pufferBaseline, pufferSweepMetric } from '../../../integrations/pufferlib/baseline.js';
import { parsePufferIni } from '../../../integrations/pufferlib/ini.js';

const DEFAULTS = parsePufferIni(`[base]
env_name = None
[vec]
backend = Multiprocessing
num_envs = 2
[env]
[train]
device = cuda
learning_rate = 0.015
total_timesteps = 10_000_000
anneal_lr = True
rnn_name = None
[sweep]
metric = score
goal = maximize
[sweep.train.learning_rate]
distribution = log_normal
min = 0.00001
max = 0.1
`);
const ENV = parsePufferIni(`[base]
env_name = puffer_drone_pp
[vec]
num_envs = 8
[env]
num_drones = 64
[train]
learning_rate = 0.0063508
minibatch_size = 32768
[sweep]
goal = minimize
`);

describe('merging default.ini under an env file', () => {
  it('lets the env file replace keys one by one and adds its new sections and keys, as configparser does', () => {
    const merged = mergePufferInis(DEFAULTS, ENV);
    const { config, notes } = pufferBaseline(merged);
    expect(config).toEqual({
      vec: { backend: 'Multiprocessing', num_envs: 8 },
      env: { num_drones: 64 },
      train: { device: 'cuda', learning_rate: 0.0063508, total_timesteps: 10_000_000, anneal_lr: true, minibatch_size: 32768 },
    });
    expect(notes).toEqual(['train.rnn_name = None left out of the baselines (a config value is a number, a string or a boolean)']);
    // Neither input is changed.
    expect(pufferBaseline(DEFAULTS).config.train).toMatchObject({ learning_rate: 0.015 });
  });

  it('takes the metric and goal of [sweep], the env file winning', () => {
    expect(pufferSweepMetric(DEFAULTS)).toEqual({ name: 'score', direction: 'maximize' });
    expect(pufferSweepMetric(mergePufferInis(DEFAULTS, ENV))).toEqual({ name: 'score', direction: 'minimize' });
    expect(pufferSweepMetric(parsePufferIni('[sweep]\ngoal = sideways\n'))).toEqual({});
  });

  it('leaves out [base], the sweep and what is no config key', () => {
    const { config, notes } = pufferBaseline(parsePufferIni('[base]\npackage = ocean\n[my-env]\nx = 1\n[train]\nseed = 3\n'));
    expect(config).toEqual({ train: { seed: 3 } });
    expect(notes[0]).toMatch(/\[my-env\] left out of the baselines/);
  });
});
