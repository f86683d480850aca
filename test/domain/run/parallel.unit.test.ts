import { describe, expect, it } from 'vitest';
import { isAutopilotError, type AutopilotError } from '../../../domain/errors.js';
import { MAX_PARALLEL, resolveParallel, type ParallelInputs } from '../../../domain/run/parallel.js';

const inputs = (over: Partial<ParallelInputs> = {}): ParallelInputs => ({ gpus: [], cores: 8, launcher: 'local', ...over });

/** The error resolveParallel throws for `over`. */
function refusal(over: Partial<ParallelInputs>): AutopilotError {
  try {
    resolveParallel(inputs(over));
  } catch (e) {
    if (isAutopilotError(e)) return e;
    throw e;
  }
  throw new Error('resolveParallel did not throw');
}

describe('where k comes from', () => {
  it('is 1 by default, on no GPU', () => {
    expect(resolveParallel(inputs())).toEqual({ k: 1, source: 'default', gpusBySlot: [null] });
  });

  it('takes --parallel over the setting and the GPUs', () => {
    expect(resolveParallel(inputs({ option: 2, setting: 3, gpus: ['0', '1', '2'] }))).toEqual({ k: 2, source: 'option', gpusBySlot: ['0', '1'] });
  });

  it('takes the setting over the GPUs', () => {
    expect(resolveParallel(inputs({ setting: 2, gpus: ['4', '5', '6'] }))).toEqual({ k: 2, source: 'settings', gpusBySlot: ['4', '5'] });
  });

  it('runs one trial per GPU when neither is given, slot i on gpus[i]', () => {
    expect(resolveParallel(inputs({ gpus: ['3', '1'] }))).toEqual({ k: 2, source: 'gpus', gpusBySlot: ['3', '1'] });
  });

  it('gives no slot a GPU when none is listed', () => {
    expect(resolveParallel(inputs({ option: 3 })).gpusBySlot).toEqual([null, null, null]);
  });
});

describe('one trial per GPU on the local launcher', () => {
  it('refuses a --parallel above the GPUs, naming both numbers (usage, exit 2)', () => {
    const e = refusal({ option: 3, gpus: ['0', '1'] });
    expect(e.code).toBe('usage');
    expect(e.exitCode).toBe(2);
    expect(e.key).toBe('--parallel');
    expect(e.shortMessage).toContain('--parallel 3 asks for 3 runs at once but only 2 GPU(s) are available (0, 1)');
    expect(e.hint).toContain('at most 2');
  });

  it('refuses a parallel setting above the GPUs as a settings error', () => {
    const e = refusal({ setting: 4, gpus: ['0'] });
    expect(e.code).toBe('settings-invalid');
    expect(e.exitCode).toBe(2);
    expect(e).toMatchObject({ file: 'autopilot.json', key: 'parallel' });
    expect(e.message).toContain('"parallel": 4 asks for 4 runs at once but only 1 GPU(s)');
    expect(e.message).toContain('"parallel" to at most 1');
  });
});

describe('cpus_per_run on the local launcher', () => {
  it('lets as many runs as fit in the cores through', () => {
    expect(resolveParallel(inputs({ option: 4, cpusPerRun: 2, cores: 8 }))).toMatchObject({ k: 4, source: 'option' });
  });

  it('refuses a --parallel beyond them, naming k, cores, cpus_per_run and the max', () => {
    const e = refusal({ option: 4, cpusPerRun: 3, cores: 8 });
    expect(e.code).toBe('usage');
    expect(e.shortMessage).toBe('--parallel 4 needs 4 × 3 cores (launcher.local.cpus_per_run 3) but this machine has 8: at most 2 run(s) fit');
    expect(e.hint).toBe('set --parallel to at most 2, or lower launcher.local.cpus_per_run');
  });

  it('refuses a parallel setting beyond them as a settings error', () => {
    const e = refusal({ setting: 3, cpusPerRun: 4, cores: 8 });
    expect(e.code).toBe('settings-invalid');
    expect(e.message).toContain('"parallel": 3 needs 3 × 4 cores');
    expect(e.message).toContain('has 8: at most 2 run(s) fit');
  });

  it('lowers a k from the GPUs to the max, with a note saying so', () => {
    const p = resolveParallel(inputs({ gpus: ['0', '1', '2', '3'], cpusPerRun: 3, cores: 8 }));
    expect(p).toMatchObject({ k: 2, source: 'gpus', gpusBySlot: ['0', '1'] });
    expect(p.note).toBe('parallel lowered from 4 to 2: launcher.local.cpus_per_run 3 on 8 cores fits 2 run(s) at once');
  });

  it('allows one run however few the cores', () => {
    expect(resolveParallel(inputs({ cpusPerRun: 16, cores: 4 }))).toEqual({ k: 1, source: 'default', gpusBySlot: [null] });
    expect(resolveParallel(inputs({ option: 1, cpusPerRun: 16, cores: 4 })).k).toBe(1);
    expect(refusal({ option: 2, cpusPerRun: 16, cores: 4 }).shortMessage).toContain('at most 1 run(s) fit');
  });
});

describe('the Slurm launcher', () => {
  it('ignores the local GPUs and cpus_per_run', () => {
    expect(resolveParallel(inputs({ launcher: 'slurm', option: 6, gpus: ['0'], cpusPerRun: 8, cores: 2 }))).toEqual({ k: 6, source: 'option', gpusBySlot: Array(6).fill(null) });
    expect(resolveParallel(inputs({ launcher: 'slurm', gpus: ['0', '1'] }))).toEqual({ k: 1, source: 'default', gpusBySlot: [null] });
  });
});

describe('the range of k', () => {
  it.each([0, -1, 1.5, MAX_PARALLEL + 1, Number.NaN])('refuses --parallel %s, saying what is allowed', (k) => {
    const e = refusal({ option: k });
    expect(e.code).toBe('usage');
    expect(e.shortMessage).toBe(`--parallel must be a whole number from 1 to 64, not ${k}`);
  });

  it('refuses a parallel setting out of range as a settings error', () => {
    const e = refusal({ setting: 0 });
    expect(e).toMatchObject({ code: 'settings-invalid', key: 'parallel' });
    expect(e.message).toContain('"parallel" must be a whole number from 1 to 64, not 0');
  });

  it('accepts 64 and lowers a k from more GPUs than that to 64, with a note', () => {
    expect(resolveParallel(inputs({ launcher: 'slurm', option: MAX_PARALLEL })).k).toBe(MAX_PARALLEL);
    const gpus = Array.from({ length: 80 }, (_, i) => String(i));
    const p = resolveParallel(inputs({ gpus }));
    expect(p).toMatchObject({ k: 64, source: 'gpus', note: 'parallel lowered from 80 (one per GPU) to 64, the most autopilot runs at once' });
    expect(p.gpusBySlot).toEqual(gpus.slice(0, 64));
  });
});
