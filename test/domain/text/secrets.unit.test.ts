import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasCredentials, isSecretName, redactArgv, redactEnv, redactText, redactValue } from '../../../domain/text/secrets.js';
import { parseSettings } from '../../../domain/config/settings.js';

// Fake tokens, built at run time so no scanner mistakes this file for a leak.
const fake = (prefix: string, n: number) => prefix + 'a1B2c3D4e5'.repeat(5).slice(0, n);
const TOKENS = {
  openai: fake('sk-', 40),
  openaiProject: fake('sk-proj-', 40),
  anthropic: fake('sk-ant-api03-', 40),
  stripe: fake('sk_live_', 24),
  githubPat: fake('ghp_', 36),
  githubOauth: fake('gho_', 36),
  githubServer: fake('ghs_', 36),
  githubUser: fake('ghu_', 36),
  githubFine: fake('github_pat_', 40),
  gitlab: fake('glpat-', 20),
  slackBot: fake('xoxb-', 30),
  slackUser: fake('xoxp-', 30),
  huggingFace: fake('hf_', 34),
  aws: 'AKIA' + 'ABCDEFGH23456789',
  google: fake('AIza', 39),
  npm: fake('npm_', 36),
  jwt: `eyJ${fake('', 20)}.eyJ${fake('', 30)}.${fake('', 20)}`,
};
const PEM = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEAx', 'Zm9vYmFy', '-----END RSA PRIVATE KEY-----'].join('\n');

describe('when telling secret names', () => {
  it('redacts the values of names that hold a key, token, secret, password, credential, auth or private part', () => {
    for (const name of [
      'MY_APIKEY',
      'HF_AUTH',
      'PRIVATE_KEY_PEM',
      'API_KEY_ID',
      'OPENAI_API_KEY_2',
      'PASSWD',
      'CREDENTIALS',
      'WANDB_API_KEY',
      'HF_TOKEN',
      'DB_PASSWORD',
      'CLIENT_SECRET',
      'github_token',
      'GOOGLE_APPLICATION_CREDENTIALS',
    ]) {
      expect(isSecretName(name), name).toBe(true);
      expect(redactValue(name, 'plain-value'), name).toBe('<redacted>');
    }
  });

  it('keeps names that say nothing secret, and their plain values', () => {
    for (const name of ['PUFFER_AUTOPILOT_RUN_ID', 'PUFFER_AUTOPILOT_RUN_DIR', 'AUTOPILOT_HOME', 'AUTOPILOT_WORKSPACE', 'LEARNING_RATE', 'CUDA_VISIBLE_DEVICES', 'PATH']) {
      expect(isSecretName(name), name).toBe(false);
      expect(redactValue(name, '/srv/runs/007'), name).toBe('/srv/runs/007');
    }
  });

  it('redacts a whole _URL, _URI or _DSN value when it carries credentials, and keeps it otherwise', () => {
    expect(redactValue('DATABASE_URL', 'postgres://u:hunter2@db/x')).toBe('<redacted>');
    expect(redactValue('MONGO_URI', 'mongodb://admin:pw@mongo:27017/db')).toBe('<redacted>');
    expect(redactValue('SENTRY_DSN', 'https://abc123@o1.ingest.sentry.io/42')).toBe('<redacted>');
    expect(redactValue('DATASET_URL', 'https://example.org/x')).toBe('https://example.org/x');
    expect(redactValue('DATABASE_URL', 'postgres://db/x')).toBe('postgres://db/x');
    // A credential in a value of any other name is redacted where it sits.
    expect(redactValue('MIRROR', 'postgres://u:hunter2@db/x')).toBe('postgres://<redacted>@db/x');
  });

  it('records the names secrets.record lists as they are', () => {
    expect(redactValue('API_KEY_ID', 'AKID-12', ['API_KEY_ID'])).toBe('AKID-12');
    expect(redactValue('DATABASE_URL', 'postgres://u:hunter2@db/x', new Set(['DATABASE_URL']))).toBe('postgres://u:hunter2@db/x');
    expect(redactEnv({ API_KEY_ID: 'AKID-12', HF_TOKEN: 'x', LEARNING_RATE: '0.1' }, ['API_KEY_ID'])).toEqual({
      API_KEY_ID: 'AKID-12',
      HF_TOKEN: '<redacted>',
      LEARNING_RATE: '0.1',
    });
  });
});

describe('when redacting text by value', () => {
  it('redacts the credentials of a URL and keeps the rest', () => {
    expect(redactText('postgres://u:hunter2@db/x')).toBe('postgres://<redacted>@db/x');
    expect(redactText('see https://user:p@ss@host:8080/path?q=1 now')).toBe('see https://<redacted>@host:8080/path?q=1 now');
    expect(redactText('jdbc:postgresql://admin:pw@db:5432/x')).toBe('jdbc:postgresql://<redacted>@db:5432/x');
    expect(redactText('https://host/x?page=2&token=abc123&sort=asc')).toBe('https://host/x?page=2&token=<redacted>&sort=asc');
    expect(redactText('https://bucket.s3/o?X-Amz-Signature=deadbeef&X-Amz-Date=1')).toBe('https://bucket.s3/o?X-Amz-Signature=<redacted>&X-Amz-Date=1');
  });

  it('keeps URLs and addresses without credentials', () => {
    for (const s of ['https://example.org/x', 'https://example.org/x@y', 'user@example.org', 'http://localhost:8080/?page=2', 'file:///tmp/a']) expect(redactText(s), s).toBe(s);
  });

  it('redacts a PEM private key, whole or cut off, and keeps a certificate', () => {
    expect(redactText(`key:\n${PEM}\nafter`)).toBe('key:\n<redacted>\nafter');
    expect(redactText(`-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk`)).toBe('<redacted>');
    expect(redactText('-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAA\n-----END ENCRYPTED PRIVATE KEY-----')).toBe('<redacted>');
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    expect(redactText(cert)).toBe(cert);
  });

  it('redacts tokens with known prefixes wherever they are', () => {
    for (const [what, token] of Object.entries(TOKENS)) {
      expect(redactText(token), what).toBe('<redacted>');
      expect(redactText(`--key ${token}, then`), what).toBe('--key <redacted>, then');
      expect(hasCredentials(token), what).toBe(true);
    }
    expect(redactText(`Authorization: Bearer ${fake('', 32)}`)).toBe('Authorization: Bearer <redacted>');
  });

  it('keeps text that only resembles a token', () => {
    for (const s of [
      'task-' + fake('', 30),
      'hf_hub_download',
      'ghp_short',
      'sk-learn',
      'AKIA',
      '0123456789abcdef0123456789abcdef01234567',
      'lr x0.7 -> 0.003',
      '--train.learning-rate 0.003',
    ])
      expect(redactText(s), s).toBe(s);
  });

  it('is idempotent and leaves text without secrets unchanged', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('', ...Object.values(TOKENS), 'postgres://u:hunter2@db/x', PEM), fc.string(), (a, secret, b) => {
        const once = redactText(`${a} ${secret} ${b}`);
        expect(redactText(once)).toBe(once);
        if (secret !== '') expect(once).not.toContain(secret);
      }),
    );
  });
});

describe('when redacting a command line', () => {
  it('redacts secret values by value and the values of secret flags and assignments by name', () => {
    const argv = [
      'python',
      'train.py',
      '--api-key',
      'abc123',
      '--token=xyz',
      '--lr',
      '0.1',
      'HF_TOKEN=zzz',
      TOKENS.githubPat,
      '--db',
      'postgres://u:hunter2@db/x',
      '--no-auth',
      '--wandb-project',
      'autopilot',
    ];
    expect(redactArgv(argv)).toEqual([
      'python',
      'train.py',
      '--api-key',
      '<redacted>',
      '--token=<redacted>',
      '--lr',
      '0.1',
      'HF_TOKEN=<redacted>',
      '<redacted>',
      '--db',
      'postgres://<redacted>@db/x',
      '--no-auth',
      '--wandb-project',
      'autopilot',
    ]);
  });

  it('keeps the flags secrets.record names', () => {
    expect(redactArgv(['--api-key-id', 'AKID-12', '--api-key', 'k'], ['API_KEY_ID'])).toEqual(['--api-key-id', 'AKID-12', '--api-key', '<redacted>']);
  });
});

describe('when configuring secrets.record', () => {
  const base = {
    trainer: { command: ['bash', 'scripts/run_training.sh'] },
    metric: { name: 'mean_reward', direction: 'maximize' },
    timeouts: { quick: { wall_seconds: 1, no_output_seconds: 1 }, full: { wall_seconds: 1, no_output_seconds: 1 } },
  };

  it('defaults to recording nothing secret-looking, and takes variable names', () => {
    expect(parseSettings(base).secrets.record).toEqual([]);
    expect(parseSettings({ ...base, secrets: { record: ['API_KEY_ID'] } }).secrets.record).toEqual(['API_KEY_ID']);
  });

  it('names a bad entry or an unknown field', () => {
    expect(() => parseSettings({ ...base, secrets: { record: ['API KEY'] } })).toThrow(/secrets\.record\.0: must be a variable name such as API_KEY_ID/);
    expect(() => parseSettings({ ...base, secrets: { allow: ['X'] } })).toThrow(/secrets: Unrecognized key/);
  });
});
