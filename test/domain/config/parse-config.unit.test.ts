import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../domain/config/parse-config.js';
import { prototypeIsClean } from '../fixtures.js';

describe('when parsing a config file', () => {
  it('returns a fresh copy of a valid config', () => {
    const raw = { train: { learning_rate: 0.001, anneal_lr: true }, env: { name: 'x' } };
    const config = parseConfig(raw);
    expect(config).toEqual(raw);
    expect(config['train']).not.toBe(raw.train);
  });

  it('lists every problem', () => {
    const raw = JSON.parse('{"__proto__":{"polluted":1},"a":{"b":null,"c":[1],"d.e":1},"ok":1}') as unknown;
    try {
      parseConfig(raw);
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues).toHaveLength(4);
      expect((error as ConfigError).message).toContain('a.b: is null');
    }
    expect(prototypeIsClean()).toBe(true);
  });

  it('rejects a root that is not an object', () => {
    expect(() => parseConfig([])).toThrow(ConfigError);
  });
});
