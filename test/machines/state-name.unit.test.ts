/** A loop's state as one line: the machines' state values, and a session's state from its StateEntered events. */
import { describe, expect, it } from 'vitest';
import { enteredStateName, stateName } from '../../machines/state-name.js';

describe('stateName', () => {
  it('is the state of a loop of one, and every slot of a slotted loop', () => {
    expect(stateName('train')).toBe('train');
    expect(stateName({ running: { slot0: 'train', slot1: 'propose' } })).toBe('running(slot0.train, slot1.propose)');
  });
});

describe('enteredStateName', () => {
  it('is the state entered, for a loop of one', () => {
    expect(enteredStateName(null, 'bootstrap')).toBe('bootstrap');
    expect(enteredStateName('propose', 'validate')).toBe('validate');
  });

  it('updates the slot entered among the others, in slot order, as stateName writes a slotted loop', () => {
    let s = enteredStateName('bootstrap', 'slot1.idle');
    expect(s).toBe('running(slot1.idle)');
    s = enteredStateName(s, 'slot0.validate');
    s = enteredStateName(s, 'slot10.train');
    s = enteredStateName(s, 'slot1.propose');
    expect(s).toBe('running(slot0.validate, slot1.propose, slot10.train)');
    expect(s).toBe(stateName({ running: { slot0: 'validate', slot1: 'propose', slot10: 'train' } }));
    // The loop's own states after its slots: the name itself.
    expect(enteredStateName(s, 'deciding')).toBe('deciding');
  });
});
