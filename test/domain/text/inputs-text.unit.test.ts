import { describe, expect, it } from 'vitest';
import { redactInputText, restoreSecrets } from '../../../domain/text/inputs-text.js';

const settings = `{
  "trainer": {
    "env": {
      "WANDB_API_KEY": "sekrit-wandb-4711",
      "DATABASE_URL": "postgres://u:hunter2@db/x",
      "HF_HOME": "/data/hf"
    }
  },
  "metric": { "name": "mean_reward", "direction": "maximize" }
}
`;

describe('redactInputText', () => {
  it('redacts the values of secret names, secret flags and credentials in JSON, keeping everything else', () => {
    const withArgv = settings.replace('"trainer": {', '"trainer": {\n    "command": ["python", "train.py", "--api-key", "sekrit-argv-1"],');
    const r = redactInputText('autopilot.json', withArgv);
    expect(r).not.toContain('sekrit-wandb-4711');
    expect(r).not.toContain('hunter2');
    expect(r).not.toContain('sekrit-argv-1');
    expect(JSON.parse(r)).toEqual({
      trainer: {
        command: ['python', 'train.py', '--api-key', '<redacted>'],
        env: { WANDB_API_KEY: '<redacted>', DATABASE_URL: '<redacted>', HF_HOME: '/data/hf' },
      },
      metric: { name: 'mean_reward', direction: 'maximize' },
    });
  });

  it('leaves a JSON input without secrets byte for byte as it is', () => {
    const plain = '{"version":1,  "keys": {}}\n';
    expect(redactInputText('policy.json', plain)).toBe(plain);
  });

  it('leaves JSON names that are not environment variables alone (a policy rule’s "key")', () => {
    const policy = '{"rules": [{"rule": "lte", "key": "train.minibatch_size", "than": "train.batch_size"}]}';
    expect(redactInputText('policy.json', policy)).toBe(policy);
  });

  it('keeps names the user lists as recorded', () => {
    expect(redactInputText('autopilot.json', settings, ['WANDB_API_KEY'])).toContain('"WANDB_API_KEY": "sekrit-wandb-4711"');
  });

  it('redacts shell assignments and tokens in a script, and leaves a text without secrets as it is', () => {
    const script = 'export HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyz\nLR=0.003\nexec python train.py --key ghp_abcdefghijklmnopqrstuvwxyz0123\n';
    const r = redactInputText('scripts/run_training.sh', script);
    expect(r).toContain('export HF_TOKEN=<redacted>');
    expect(r).toContain('LR=0.003');
    expect(r).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123');
    const plain = '#!/usr/bin/env bash\nexec node train.js "$@"\n';
    expect(redactInputText('scripts/run_training.sh', plain)).toBe(plain);
  });
});

describe('restoreSecrets', () => {
  it('fills each redacted value from the file as it is now, giving back the recorded settings with their secrets', () => {
    const recorded = redactInputText('autopilot.json', settings);
    const tampered = settings.replace('"maximize"', '"minimize"');
    expect(JSON.parse(restoreSecrets('autopilot.json', recorded, tampered)!)).toEqual(JSON.parse(settings));
  });

  it('takes a rotated secret as it is now, and what it restores redacts to what was recorded', () => {
    const recorded = redactInputText('autopilot.json', settings);
    const rotated = settings.replace('sekrit-wandb-4711', 'sekrit-wandb-9999').replace('"maximize"', '"minimize"');
    const restored = restoreSecrets('autopilot.json', recorded, rotated)!;
    expect(JSON.parse(restored).trainer.env.WANDB_API_KEY).toBe('sekrit-wandb-9999');
    expect(JSON.parse(restored).metric.direction).toBe('maximize');
    expect(redactInputText('autopilot.json', restored)).toBe(recorded);
  });

  it('cannot put back a secret the file no longer has', () => {
    const recorded = redactInputText('autopilot.json', settings);
    expect(restoreSecrets('autopilot.json', recorded, '{"trainer": {"env": {}}}')).toBeNull();
    expect(restoreSecrets('autopilot.json', recorded, 'not json')).toBeNull();
    expect(restoreSecrets('autopilot.json', recorded, null)).toBeNull();
  });

  it('gives back a text without redactions as it is', () => {
    expect(restoreSecrets('policy.json', '{"version": 1}', null)).toBe('{"version": 1}');
  });
});
