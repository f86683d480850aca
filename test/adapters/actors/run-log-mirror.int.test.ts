import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoopDeps } from '../../../adapters/actors/deps.js';
import { mirrorRunLog } from '../../../adapters/actors/run-log-mirror.js';
import { workspacePaths } from '../../../adapters/workspace.js';
import type { AutopilotEvent } from '../../../events/catalogue.js';
import type { LaunchView } from '../../../projections/view.js';

const URL = 'https://app.neptune.ai/pufferai/ablations/e/ABL-7';

/** Deps of a workspace whose run 001 has `launches` and a log holding a metric line and Neptune's address. */
function setup(launches: Partial<LaunchView>[]) {
  const root = mkdtempSync(join(tmpdir(), 'mirror-ws-'));
  const paths = workspacePaths(root);
  mkdirSync(join(root, 'logs'));
  mkdirSync(paths.runDir('001'), { recursive: true });
  writeFileSync(paths.log('001'), `{"epoch": 1}\n[neptune] [info   ] Neptune initialized. Open in the app: ${URL}\n`);
  const view = { runs: new Map([['001', { launches }]]) };
  const deps = { paths, history: () => view, now: () => new Date('2026-12-07T00:00:00.000Z') } as unknown as LoopDeps;
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
});
