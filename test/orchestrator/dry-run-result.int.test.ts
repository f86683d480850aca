/** The dry run's reading of a trainer's summary, on a real folder: a link, a FIFO or an oversize file is refused like the loop refuses it. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LaunchResult } from '../../adapters/launcher/local.js';
import { outcomeOf } from '../../orchestrator/dry-run-result.js';
import { loadSettings, workspacePaths } from '../../adapters/workspace.js';
import { copyShippedWorkspace } from '../support/workspace.js';

const ended: LaunchResult = {
  exitCode: 0,
  signal: null,
  durationMs: 10,
  stoppedFor: null,
  recorded: true,
  neverStarted: false,
  spawnError: null,
  lastMetrics: { mean_reward: 400 },
  // The log's metric line, which must not stand in for a refused summary.
  tail: ['{"mean_reward": 400}'],
  contained: true,
};

describe('a dry run reading the trainer summary', () => {
  const settings = loadSettings(workspacePaths(copyShippedWorkspace()));
  const scratch = () => mkdtempSync(join(tmpdir(), 'dry-run-summary-'));

  it('refuses a symlink without reading its target, a FIFO without blocking, an oversize file without reading it', () => {
    const decoy = join(mkdtempSync(join(tmpdir(), 'decoy-')), 'decoy.json');
    writeFileSync(decoy, '{"metrics": {"mean_reward": 99999}}');
    const linked = scratch();
    symlinkSync(decoy, join(linked, 'trainer_summary.json'));
    expect(outcomeOf(ended, linked, join(linked, 'trainer_summary.json'), settings, 'quick')).toEqual({
      ok: false,
      reason: 'trainer_summary.json refused: it is a symlink, not a regular file (not read)',
    });
    expect(readFileSync(decoy, 'utf8')).toBe('{"metrics": {"mean_reward": 99999}}');

    const fifo = scratch();
    execFileSync('mkfifo', [join(fifo, 'trainer_summary.json')]);
    expect(outcomeOf(ended, fifo, join(fifo, 'trainer_summary.json'), settings, 'quick')).toMatchObject({ ok: false, reason: expect.stringContaining('a FIFO') });

    const big = scratch();
    writeFileSync(join(big, 'trainer_summary.json'), '{}');
    truncateSync(join(big, 'trainer_summary.json'), (64 << 20) + 1);
    expect(outcomeOf(ended, big, join(big, 'trainer_summary.json'), settings, 'quick')).toMatchObject({ ok: false, reason: expect.stringContaining(`${(64 << 20) + 1} bytes`) });
  });

  it('still falls back to the log when there is no summary at all', () => {
    const none = scratch();
    expect(outcomeOf(ended, none, join(none, 'trainer_summary.json'), settings, 'quick')).toMatchObject({ ok: true, source: 'log' });
  });
});
