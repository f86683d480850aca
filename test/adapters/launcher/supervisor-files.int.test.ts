import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { launchLocal } from '../../../adapters/launcher/local.js';
import { fakeSpec, tempDir } from './support.js';

const SWAPPER = fileURLToPath(new URL('../../fixtures/launch-swap-folder.mjs', import.meta.url));
const dirs: string[] = [];

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('when the command swaps the folder of its exit record for a link to a folder outside', () => {
  it.each(['process-group', 'subreaper'] as const)('writes nothing there, and its end is still read (%s)', async (mode) => {
    const ws = tempDir();
    const decoyDir = tempDir('autopilot-decoy-');
    dirs.push(ws, decoyDir);
    // A file of the record's name already there: it must not be replaced.
    writeFileSync(join(decoyDir, 'exit.json'), 'DECOY\n');
    mkdirSync(join(ws, 'logs'));
    const spec = { ...fakeSpec(ws, '', {}, mode), argv: [process.execPath, SWAPPER], logFile: join(ws, 'logs', 'out.log'), exitFile: join(ws, 'logs', 'exit.json') };
    spec.env = { ...spec.env, LAUNCH_FOLDER: join(ws, 'logs'), LAUNCH_DECOY_DIR: decoyDir };
    const r = await launchLocal(spec).result;
    expect(readdirSync(decoyDir)).toEqual(['exit.json']);
    expect(readFileSync(join(decoyDir, 'exit.json'), 'utf8')).toBe('DECOY\n');
    expect(r).toMatchObject({ recorded: true, exitCode: 3, stoppedFor: null });
    expect(r.lastMetrics).toEqual({ mean_reward: 7 });
    // The record is in the folder the supervisor opened, now renamed aside.
    expect(readdirSync(join(ws, 'logs.moved'))).toContain('exit.json');
  });
});
