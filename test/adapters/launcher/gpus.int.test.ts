/** listGpus against the fake nvidia-smi (test/fixtures/fake-nvidia-smi.mjs) linked on PATH, and without one. */
import { chmodSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { listGpus } from '../../../adapters/launcher/gpus.js';
import { isAutopilotError } from '../../../domain/errors.js';
import { ROOT } from '../../support/workspace.js';

const FAKE = join(ROOT, 'test', 'fixtures', 'fake-nvidia-smi.mjs');

/** A PATH whose first folder holds `nvidia-smi`, the fake (the rest: this process's, for node). */
function fakePath(): string {
  const bin = mkdtempSync(join(tmpdir(), 'autopilot-gpus-'));
  chmodSync(FAKE, 0o755);
  symlinkSync(FAKE, join(bin, 'nvidia-smi'));
  return [bin, process.env['PATH']].join(delimiter);
}
const PATH = fakePath();
const withFake = (env: Record<string, string> = {}) => ({ env: { PATH, ...env } });

/** The error listGpus rejects with. */
async function rejection(p: Promise<unknown>) {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!isAutopilotError(e)) throw new Error(`expected an AutopilotError, got ${String(e)}`);
  return e;
}

describe('"gpus": "auto"', () => {
  it('lists the GPUs nvidia-smi -L prints, by index, with their names', async () => {
    expect(await listGpus('auto', withFake())).toEqual({ source: 'nvidia-smi', ids: ['0', '1'], names: ['NVIDIA A100-SXM4-40GB', 'NVIDIA A100-SXM4-40GB'] });
    expect((await listGpus('auto', withFake({ FAKE_NVIDIA_SMI_GPUS: '5' }))).ids).toEqual(['0', '1', '2', '3', '4']);
  });

  it('counts a GPU split into MIG devices once, not its devices', async () => {
    const list = await listGpus('auto', withFake({ FAKE_NVIDIA_SMI_GPUS: '3', FAKE_NVIDIA_SMI_MIG: '1' }));
    expect(list.ids).toEqual(['0', '1', '2']);
    expect(list.names).toHaveLength(3);
  });

  it('finds no GPU, with a note, where nvidia-smi is not installed', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'autopilot-nopath-'));
    expect(await listGpus('auto', { env: { PATH: empty } })).toEqual({ source: 'none', ids: [], note: 'nvidia-smi not found: no GPUs detected' });
  });

  it('fails naming the command, its exit code and its message where the driver is missing, and says what is allowed', async () => {
    const e = await rejection(listGpus('auto', withFake({ FAKE_NVIDIA_SMI_FAIL: '1' })));
    expect(e).toMatchObject({ code: 'settings-invalid', exitCode: 2, key: 'launcher.local.gpus' });
    expect(e.shortMessage).toBe(
      `"gpus": "auto" cannot list the GPUs: nvidia-smi -L failed (exit 9): NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.`,
    );
    expect(e.hint).toContain('list the GPUs, e.g. "gpus": [0, 1]');
  });

  it('fails where nvidia-smi finds no device (exit 6)', async () => {
    const e = await rejection(listGpus('auto', withFake({ FAKE_NVIDIA_SMI_GPUS: '0' })));
    expect(e.shortMessage).toContain('nvidia-smi -L failed (exit 6): No devices were found');
  });

  it('gives up on an nvidia-smi that does not answer', async () => {
    const started = Date.now();
    const e = await rejection(listGpus('auto', { ...withFake({ FAKE_NVIDIA_SMI_HANG: '1' }), timeoutMs: 500 }));
    expect(e.shortMessage).toContain('nvidia-smi -L did not answer within 500 ms');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('"gpus" as a list, or unset', () => {
  it('takes the listed ids as they are, without running nvidia-smi', async () => {
    // A failing nvidia-smi on PATH would fail the call if it ran.
    expect(await listGpus([2, 0, 7], withFake({ FAKE_NVIDIA_SMI_FAIL: '1' }))).toEqual({ source: 'settings', ids: ['2', '0', '7'] });
  });

  it('means no GPU when unset', async () => {
    expect(await listGpus(undefined, withFake({ FAKE_NVIDIA_SMI_FAIL: '1' }))).toEqual({ source: 'none', ids: [] });
  });
});

describe('the fake nvidia-smi', () => {
  it('refuses any option but -L/--list-gpus the way nvidia-smi does (exit 2)', async () => {
    const r = await execa('nvidia-smi', ['--query-gpu=index'], { ...withFake(), reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe("ERROR: Option --query-gpu=index is not recognized. Please run 'nvidia-smi -h' for help.");
    const long = await execa('nvidia-smi', ['--list-gpus'], { ...withFake(), reject: false });
    expect(long.exitCode).toBe(0);
    expect(long.stdout).toMatch(/^GPU 0: NVIDIA A100-SXM4-40GB \(UUID: GPU-[0-9a-f-]+\)\nGPU 1: /);
  });
});
