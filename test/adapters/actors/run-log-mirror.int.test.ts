import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoopDeps } from '../../../adapters/actors/deps.js';
import { parseSettings } from '../../../domain/config/settings.js';
import { mirrorRunLog } from '../../../adapters/actors/run-log-mirror.js';
import { workspacePaths } from '../../../adapters/workspace.js';
import type { AutopilotEvent } from '../../../events/catalogue.js';
import type { LaunchView } from '../../../projections/view.js';

const URL = 'https://app.neptune.ai/pufferai/ablations/e/ABL-7';
const LAB = 'https://wandb.mylab.org/team/drone/runs/ap0001r001a1c0ffee';
const NEPTUNE_LINE = `[neptune] [info   ] Neptune initialized. Open in the app: ${URL}`;

/** Settings with `trackers` (none by default). */
const settingsWith = (trackers: Record<string, unknown> = {}) =>
  parseSettings({
    trainer: { command: ['python3', 'train.py'] },
    metric: { name: 'score', direction: 'maximize' },
    timeouts: { quick: { wall_seconds: 60, no_output_seconds: 10 } },
    trackers,
  });

/** Deps of a workspace whose run 001 has `launches` and a log holding a metric line and `line` (Neptune's address by default). */
function setup(launches: Partial<LaunchView>[], line = NEPTUNE_LINE, settings = settingsWith()) {
  const root = mkdtempSync(join(tmpdir(), 'mirror-ws-'));
  const paths = workspacePaths(root);
  mkdirSync(join(root, 'logs'));
  mkdirSync(paths.runDir('001'), { recursive: true });
  writeFileSync(paths.log('001'), `{"epoch": 1}\n${line}\n`);
  const view = { runs: new Map([['001', { launches }]]) };
  const deps = { paths, settings, history: () => view, now: () => new Date('2026-12-07T00:00:00.000Z') } as unknown as LoopDeps;
  const events: AutopilotEvent[] = [];
  const unsafe: unknown[] = [];
  mirrorRunLog(
    deps,
    '001',
    1,
    '0001',
    (e) => events.push(e),
    (u) => unsafe.push(...u),
  );
  return { events, unsafe, mirror: readFileSync(join(paths.runDir('001'), 'metrics.jsonl'), 'utf8') };
}

describe('when an attempt ends and its log is mirrored', () => {
  it('writes metrics.jsonl and records the address the attempt printed', () => {
    const r = setup([{ attempt: 1, logOffset: 0 }]);
    expect(r.mirror).toBe('{"attempt":1,"metrics":{"epoch":1}}\n');
    expect(r.events).toEqual([{ type: 'TrackerRunLinked', data: { runId: '001', attempt: 1, tracker: 'neptune', url: URL }, metadata: { session: '0001', at: '2026-12-07T00:00:00.000Z' } }]);
    expect(r.unsafe).toEqual([]);
  });

  it('records it once: an attempt reattached after a restart that ends again adds no second event', () => {
    const r = setup([{ attempt: 1, logOffset: 0, tracker: { tracker: 'neptune', url: URL } }]);
    expect(r.events).toEqual([]);
    expect(r.mirror).toBe('{"attempt":1,"metrics":{"epoch":1}}\n');
  });

  it('records a link on the self-hosted W&B server the settings name, and not one on a server they do not', () => {
    const line = `wandb: 🚀 View run at ${LAB}`;
    const named = setup([{ attempt: 1, logOffset: 0 }], line, settingsWith({ wandb: { project: 'drone', base_url: 'https://wandb.mylab.org' } }));
    expect(named.events.map((e) => e.data)).toEqual([{ runId: '001', attempt: 1, tracker: 'wandb', url: LAB }]);
    expect(setup([{ attempt: 1, logOffset: 0 }], line).events).toEqual([]);
    const elsewhere = setup([{ attempt: 1, logOffset: 0 }], line, settingsWith({ wandb: { project: 'drone', base_url: 'https://wandb.otherlab.org' } }));
    expect(elsewhere.events).toEqual([]);
    expect(elsewhere.mirror).toBe('{"attempt":1,"metrics":{"epoch":1}}\n');
  });
});
