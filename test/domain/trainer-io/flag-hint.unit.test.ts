import { describe, expect, it } from 'vitest';
import { flagNamesHint } from '../../../domain/trainer-io/flag-hint.js';

describe('flagNamesHint', () => {
  const config = { learning_rate: 0.01, train: { num_steps: 100 }, env: 'x' };
  it('points at the flag names when argparse refused kebab flags of config keys, or asks for their underscore forms', () => {
    const refused = ['usage: train.py [-h]', 'train.py: error: unrecognized arguments: --learning-rate 0.01 --train.num-steps 100'];
    expect(flagNamesHint(refused, config, 'kebab')).toBe(
      'the trainer did not take --learning-rate (from the config key learning_rate): if it declares its flags with underscores (--learning_rate), set "trainer": {"flag_names": "as-is"} in autopilot.json',
    );
    expect(flagNamesHint(['train.py: error: the following arguments are required: --train.num_steps, --x'], config, 'kebab')).toContain(
      'did not take --train.num-steps (from the config key train.num_steps)',
    );
  });

  it('says nothing when the names are not the cause, or are already as written', () => {
    expect(flagNamesHint(['train.py: error: unrecognized arguments: --env x --other-flag 1'], config, 'kebab')).toBeNull();
    expect(flagNamesHint(['Traceback (most recent call last):', 'ValueError: learning-rate'], config, 'kebab')).toBeNull();
    expect(flagNamesHint(['train.py: error: unrecognized arguments: --learning_rate 0.01'], config, 'as-is')).toBeNull();
  });
});
