import { describe, expect, it } from 'vitest';
import { exposedName, isExposedName, parseExposedName, stepOfName, uniqueName } from '../../../domain/run/checkpoint-name.js';

describe('the step a checkpoint file name carries', () => {
  it.each([
    ['model_000042.json', 42], // the built-in trainer (trainers/cartpole/checkpoint.ts)
    ['model_000200.pt', 200], // PufferLib clean_pufferl.py at 91460f7b14edd1b43d6b19150cef5c51b80cbb7f
    ['model_puffer_drone_pp_000007.pt', 7], // PufferLib 3.0: model_{env}_{epoch:06d}.pt
    ['checkpoint-1000', 1000],
    ['ckpt_500.pt', 500],
    ['epoch=3-step=1200.ckpt', 1200],
    ['rl_model_10000_steps.zip', 10000],
    ['step_77.bin', 77],
  ])('%s → %d', (name, step) => expect(stepOfName(name)).toBe(step));

  it.each(['trainer_state.pt', 'puffer_drone_pp_175912345678.pt', 'final.pt', 'model.pt', 'notes.txt', 'model_99999999999999999999.pt'])('%s names none', (name) =>
    expect(stepOfName(name)).toBeNull(),
  );
});

describe('the exposed name scheme <run>-s<seed>-<step>.<ext>', () => {
  it('names a checkpoint by run, seed and step, keeping the extension', () => {
    expect(exposedName({ runId: '003', seed: 7, step: 42, source: 'model_000042.json' })).toBe('003-s7-42.json');
    expect(exposedName({ runId: '003', seed: null, step: 200, source: 'model_000200.pt' })).toBe('003-200.pt');
    expect(exposedName({ runId: '003', seed: 1, step: 5, source: 'checkpoint-5' })).toBe('003-s1-5');
  });

  it('keeps a safe form of the stem when there is no step, never one that reads back as a step', () => {
    expect(exposedName({ runId: '010', seed: 3, step: null, source: 'trainer state!.pt' })).toBe('010-s3-trainer_state_.pt');
    expect(exposedName({ runId: '010', seed: 3, step: null, source: '1759.pt' })).toBe('010-s3-f1759.pt');
    expect(parseExposedName('010-s3-f1759.pt')?.step).toBeNull();
  });

  it('reads back run, seed and step (the seed parsed from the name)', () => {
    expect(parseExposedName('003-s7-42.json')).toEqual({ runId: '003', seed: 7, step: 42, ext: 'json' });
    expect(parseExposedName('003-200.pt')).toEqual({ runId: '003', seed: null, step: 200, ext: 'pt' });
    expect(parseExposedName('003-s7-42~2.pt')).toEqual({ runId: '003', seed: 7, step: 42, ext: 'pt' });
    expect(parseExposedName('model_000042.json')).toBeNull();
    expect(parseExposedName('../003-s7-42.pt')).toBeNull();
  });

  it("tells the orchestrator's own names for a run from the trainer's", () => {
    expect(isExposedName('003-s7-42.json', '003')).toBe(true);
    expect(isExposedName('003-s7-42.json', '004')).toBe(false);
    expect(isExposedName('model_000042.json', '003')).toBe(false);
  });

  it('makes a name unique before its extension', () => {
    expect(uniqueName('003-s7-42.pt', new Set())).toBe('003-s7-42.pt');
    expect(uniqueName('003-s7-42.pt', new Set(['003-s7-42.pt', '003-s7-42~2.pt']))).toBe('003-s7-42~3.pt');
  });
});
