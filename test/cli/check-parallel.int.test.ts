/**
 * k and the GPUs before anything runs: `autopilot check` says what a new session would keep in
 * flight (or why it would refuse), and `loop` with `"gpus": "auto"` records one run per GPU that
 * `nvidia-smi -L` lists — the fake one (test/fixtures/fake-nvidia-smi.mjs) linked on PATH.
 */
import { chmodSync, existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';
import { eventsOfType } from '../support/hostile.js';

/** An environment whose PATH starts with a folder holding the fake `nvidia-smi`. */
function withFakeNvidiaSmi(env: Record<string, string> = {}): Record<string, string> {
  const bin = mkdtempSync(join(tmpdir(), 'autopilot-nvsmi-'));
  const fake = join(ROOT, 'test', 'fixtures', 'fake-nvidia-smi.mjs');
  chmodSync(fake, 0o755);
  symlinkSync(fake, join(bin, 'nvidia-smi'));
  return { PATH: [bin, process.env['PATH']].join(delimiter), ...env };
}

function autoGpuWorkspace(): string {
  const ws = fakeTrainerWorkspace();
  patchSettings(ws, { launcher: { kind: 'local', local: { gpus: 'auto' } } });
  return ws;
}

const autopilot = (args: string[], env: Record<string, string>) => execa(process.execPath, [CLI, ...args], { reject: false, env });

describe('autopilot check', () => {
  it('says a new session would run one run per GPU nvidia-smi lists, each with its CUDA_VISIBLE_DEVICES', async () => {
    const ws = autoGpuWorkspace();
    const env = withFakeNvidiaSmi({ FAKE_NVIDIA_SMI_GPUS: '3' });
    const r = await autopilot(['check', '--workspace', ws], env);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('parallel:    3 run(s) at once (one per GPU); CUDA_VISIBLE_DEVICES per slot: 0, 1, 2');
    const json = await autopilot(['check', '--workspace', ws, '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, parallel: { k: 3, source: 'gpus', gpus: ['0', '1', '2'] } });
  });

  it('reports a driver nvidia-smi cannot reach as a problem of launcher.local.gpus (exit 2)', async () => {
    const ws = autoGpuWorkspace();
    const r = await autopilot(['check', '--workspace', ws, '--json'], withFakeNvidiaSmi({ FAKE_NVIDIA_SMI_FAIL: '1' }));
    expect(r.exitCode).toBe(2);
    const problems = (JSON.parse(r.stdout) as { problems: { key: string; problem: string }[] }).problems;
    expect(problems).toEqual([expect.objectContaining({ key: 'launcher.local.gpus', problem: expect.stringContaining('nvidia-smi -L failed (exit 9)') as unknown })]);
  });

  it('refuses --parallel beyond the GPUs listed, naming both', async () => {
    const ws = fakeTrainerWorkspace();
    patchSettings(ws, { launcher: { kind: 'local', local: { gpus: [0, 1] } } });
    const r = await autopilot(['check', '--workspace', ws, '--parallel', '3'], {});
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/--parallel 3 asks for 3 runs at once but only 2 GPU\(s\) are available/);
  });
});

describe('autopilot loop with "gpus": "auto"', () => {
  it('records one slot per GPU nvidia-smi lists, and gives each trainer its own', async () => {
    const ws = autoGpuWorkspace();
    const r = await autopilot(['loop', '--workspace', ws, '--runs', '3'], withFakeNvidiaSmi({ FAKE_NVIDIA_SMI_GPUS: '2' }));
    expect(r.exitCode, r.stderr).toBe(0);
    expect(eventsOfType(ws, 'LoopStarted')[0]!.data.parallel).toEqual({ k: 2, source: 'gpus', gpus: ['0', '1'] });
    const started = eventsOfType(ws, 'RunStarted');
    expect(started).toHaveLength(3);
    for (const s of started) expect(s.data.env?.['CUDA_VISIBLE_DEVICES']).toBe(String(s.data.slot));
  });

  it('without nvidia-smi on PATH runs one at a time on no GPU, recording nothing of it', async () => {
    const ws = autoGpuWorkspace();
    // A PATH with node, bash and /bin, where this machine has no nvidia-smi.
    expect(existsSync('/bin/nvidia-smi')).toBe(false);
    const bin = mkdtempSync(join(tmpdir(), 'autopilot-nogpu-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    for (const tool of ['bash', 'env']) if (existsSync(`/usr/bin/${tool}`)) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
    const r = await autopilot(['loop', '--workspace', ws, '--runs', '1'], { PATH: [bin, '/bin'].join(delimiter) });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(eventsOfType(ws, 'LoopStarted')[0]!.data.parallel).toBeUndefined();
  });
});
