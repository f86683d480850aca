/**
 * Trackers end to end: `autopilot loop` on a copy of examples/puffer_drone_pp with `trackers` set,
 * through its run_training.sh and the shim into the fake PufferLib (test/fixtures/pufferlib, whose
 * WandbLogger / NeptuneLogger are PufferLib's own, calling fake `wandb` / `neptune` clients that
 * print the run's URL as the real ones do). The API keys come from the loop's own environment.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderArgs } from '../../../domain/trainer-io/render-args.js';
import { auditOf } from '../../../inspector/server/audit.js';
import { trackerOfAuditText } from '../../../projections/audit/tracker-line.js';
import { eventsOfType, rawLog } from '../../support/hostile.js';
import { fromLog } from '../../support/inspector.js';
import { CLI, patchSettings } from '../../support/workspace.js';
import { copyExample, EXAMPLE, FAKE_PUFFERLIB, hasPython, PYTHON, readJson, SHIM, type Sections } from './support.js';

const WANDB_KEY = 'planted-wandb-key-5a1f9c';
const NEPTUNE_KEY = 'planted-neptune-token-77e0b2';
/** PufferLib's W&B flags for project drone, session 0001's run 001. */
const WANDB_DRONE_FLAGS = ['--wandb', '--wandb-project', 'drone', '--wandb-group', '0001', '--tag', '001'];

/** What the fake tracker client recorded for one run. */
interface TrackerCall {
  tracker: 'wandb' | 'neptune';
  args: Record<string, unknown>;
  settings: Record<string, unknown>;
  env: Record<string, string>;
  api_key: string | null;
}

const workspaces: string[] = [];
afterAll(() => {
  for (const ws of workspaces) rmSync(dirname(ws), { recursive: true, force: true });
});

/** Runs one quick run of the example with `trackers`, the fake PufferLib checking the exact flags it gets. */
async function runWith(trackers: Record<string, unknown>, trackerFlags: string[]) {
  const ws = copyExample();
  workspaces.push(ws);
  const record = join(dirname(ws), 'tracker.jsonl');
  const expected = [...renderArgs(readJson<Sections>(join(ws, 'configs', 'baseline_quick.json'))), ...trackerFlags, '--train.data-dir', join(ws, 'runs', '001', 'checkpoints')];
  patchSettings(ws, {
    trackers,
    trainer: { env: { PYTHONPATH: FAKE_PUFFERLIB, PYTHONDONTWRITEBYTECODE: '1', FAKE_TRACKER_RECORD: record, FAKE_PUFFERLIB_EXPECT_ARGV: JSON.stringify(expected) } },
  });
  const env = { WANDB_API_KEY: WANDB_KEY, NEPTUNE_API_TOKEN: NEPTUNE_KEY };
  const r = await execa('node', [CLI, 'loop', '--runs', '1', '--workspace', ws], { reject: false, all: true, timeout: 150_000, env });
  expect(r.exitCode, r.all).toBe(0);
  const audit = await execa('node', [CLI, 'audit', '001', '--workspace', ws], { reject: false, all: true, timeout: 60_000 });
  expect(audit.exitCode, audit.all).toBe(0);
  const calls = readFileSync(record, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as TrackerCall);
  return { ws, calls, audit: audit.stdout, output: r.all ?? '' };
}

/** Every file of the workspace (events.db and its WAL, projections, blobs, logs), as text. */
function everyFile(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).flatMap((rel) => {
    const abs = join(dir, rel);
    const st = statSync(abs, { throwIfNoEntry: false });
    return st?.isFile() ? [{ path: rel, text: readFileSync(abs).toString('latin1') }] : [];
  });
}

beforeAll(() => {
  expect(hasPython(), 'these tests run python3 from PATH').toBe(true);
});

describe('when a quick run logs to Weights & Biases (trackers.wandb)', () => {
  let ws: string;
  let calls: TrackerCall[];
  let audit: string;
  const session = '0001';
  beforeAll(async () => {
    ({ ws, calls, audit } = await runWith({ wandb: { project: 'drone', entity: 'team' } }, WANDB_DRONE_FLAGS));
  }, 240_000);

  it("hands PufferLib exactly its --wandb flags (the fake's parser is PufferLib's) and W&B its variables", () => {
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.args).toMatchObject({ project: 'drone', run_group: session, run_tags: ['001'], resume: 'allow' });
    expect(call.env).toMatchObject({
      WANDB_PROJECT: 'drone',
      WANDB_ENTITY: 'team',
      WANDB_RUN_GROUP: session,
      WANDB_NAME: '001-attempt-1',
      WANDB_TAGS: '001',
      WANDB_JOB_TYPE: 'train',
      WANDB_RESUME: 'allow',
    });
    expect(call.env['WANDB_RUN_ID']).toMatch(/^ap0001r001a1[0-9a-f]{24}$/);
  });

  it("opens the W&B run of the attempt's WANDB_RUN_ID (the shim keeps PufferLib from drawing one), named and tagged by the run", () => {
    const call = calls[0]!;
    expect(call.settings).toMatchObject({ run_id: call.env['WANDB_RUN_ID'], run_name: '001-attempt-1', entity: 'team', run_tags: ['001'] });
  });

  it('passes the API key from the loop\u2019s environment to the trainer', () => {
    expect(calls[0]!.api_key).toBe(WANDB_KEY);
  });

  it('shows the run URL the trainer printed in `audit`, summary.json and RunStarted\u2019s recorded env', () => {
    const url = `https://wandb.ai/team/drone/runs/${calls[0]!.env['WANDB_RUN_ID']}`;
    expect(audit).toContain(`tracker:    ${url}`);
    expect(audit).toContain(`attempt 1 logged to Weights & Biases: ${url}`);
    expect(eventsOfType(ws, 'TrackerRunLinked').map((e) => e.data)).toEqual([{ runId: '001', attempt: 1, tracker: 'wandb', url }]);
    expect(readJson<{ tracker: unknown }>(join(ws, 'runs', '001', 'summary.json')).tracker).toEqual({ tracker: 'wandb', url, attempt: 1 });
    expect(eventsOfType(ws, 'RunStarted')[0]!.data.env).toMatchObject({ WANDB_RUN_ID: calls[0]!.env['WANDB_RUN_ID'] });
  });

  it("gives the inspector's run page the audit whose tracker line it links", () => {
    const url = `https://wandb.ai/team/drone/runs/${calls[0]!.env['WANDB_RUN_ID']}`;
    const text = fromLog(ws, (store) => auditOf(store, '001')?.text ?? '');
    expect(text.trimEnd()).toBe(audit);
    expect(trackerOfAuditText(text)).toEqual({ tracker: 'wandb', url });
  });

  it('records the API key nowhere: not in events.db (WAL included) nor in any file of the workspace', () => {
    expect(rawLog(ws)).not.toContain(WANDB_KEY);
    const files = everyFile(ws);
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(['events.db', 'runs/001/summary.json', 'runs/001/run.json', 'journal/labbook.md']));
    for (const f of files) {
      expect(f.text, f.path).not.toContain(WANDB_KEY);
      expect(f.text, f.path).not.toContain(NEPTUNE_KEY);
    }
    expect(JSON.stringify(eventsOfType(ws, 'RunStarted')[0]!.data.env)).not.toMatch(/WANDB_API_KEY|NEPTUNE_API_TOKEN/);
  });

  it('mirrors every JSON metric line the trainer printed into runs/001/metrics.jsonl, more than the throttled progress kept', () => {
    const printed = readFileSync(join(ws, 'logs', '001.log'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{') && l.endsWith('}'));
    const mirrored = readFileSync(join(ws, 'runs', '001', 'metrics.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean);
    expect(mirrored).toHaveLength(printed.length);
    expect(mirrored.map((l) => JSON.parse(l) as { attempt: number; metrics: Record<string, number> })).toEqual(
      printed.map((l) => ({ attempt: 1, metrics: Object.fromEntries(Object.entries(JSON.parse(l) as Record<string, unknown>).filter(([, v]) => typeof v === 'number')) })),
    );
    expect(printed.length).toBeGreaterThan(eventsOfType(ws, 'RunProgress').filter((e) => e.data.runId === '001').length);
  });

  it("keeps the mirror in the run folder's record: the journal step sees no stray file", () => {
    expect(eventsOfType(ws, 'RunFinished')[0]!.data.folder?.map((e) => e.path)).toContain('runs/001/metrics.jsonl');
    expect(eventsOfType(ws, 'GuardrailViolation')).toEqual([]);
  });
});

describe('when a quick run logs to a self-hosted W&B server (trackers.wandb.base_url)', () => {
  let ws: string;
  let calls: TrackerCall[];
  let audit: string;
  beforeAll(async () => {
    ({ ws, calls, audit } = await runWith({ wandb: { project: 'drone', entity: 'team', base_url: 'https://wandb.mylab.org/' } }, WANDB_DRONE_FLAGS));
  }, 240_000);

  it('gives the trainer WANDB_BASE_URL, without the trailing "/", beside the other W&B variables', () => {
    expect(calls).toHaveLength(1);
    expect(calls[0]!.env).toMatchObject({ WANDB_BASE_URL: 'https://wandb.mylab.org', WANDB_ENTITY: 'team', WANDB_PROJECT: 'drone' });
    expect(eventsOfType(ws, 'RunStarted')[0]!.data.env).toMatchObject({ WANDB_BASE_URL: 'https://wandb.mylab.org' });
  });

  it("records the run URL the client printed on the server's host, and shows it in `audit`", () => {
    const url = `https://wandb.mylab.org/team/drone/runs/${calls[0]!.env['WANDB_RUN_ID']}`;
    expect(readFileSync(join(ws, 'logs', '001.log'), 'utf8')).toContain(`View run at ${url}`);
    expect(eventsOfType(ws, 'TrackerRunLinked').map((e) => e.data)).toEqual([{ runId: '001', attempt: 1, tracker: 'wandb', url }]);
    expect(audit).toContain(`tracker:    ${url}`);
  });
});

describe('when a quick run logs to Neptune (trackers.neptune)', () => {
  let calls: TrackerCall[];
  let audit: string;
  let ws: string;
  beforeAll(async () => {
    ({ ws, calls, audit } = await runWith({ neptune: { workspace: 'pufferai', project: 'ablations' } }, [
      '--neptune',
      '--neptune-name',
      'pufferai',
      '--neptune-project',
      'ablations',
      '--tag',
      '001',
    ]));
  }, 240_000);

  it('has PufferLib open WORKSPACE/PROJECT with the custom run id of the attempt and the token from the loop\u2019s environment', () => {
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ tracker: 'neptune', args: { project: 'pufferai/ablations', with_id: null, tags: ['001'] }, api_key: NEPTUNE_KEY });
    expect(calls[0]!.env).toMatchObject({ NEPTUNE_PROJECT: 'pufferai/ablations' });
    expect(calls[0]!.settings['custom_run_id']).toMatch(/^ap0001r001a1[0-9a-f]{24}$/);
  });

  it('shows the Neptune run URL in `audit` and records the token nowhere', () => {
    expect(audit).toMatch(/tracker: {4}https:\/\/app\.neptune\.ai\/pufferai\/ablations\/e\/ABL-\d+\n/);
    expect(rawLog(ws)).not.toContain(NEPTUNE_KEY);
    for (const f of everyFile(ws)) expect(f.text, f.path).not.toContain(NEPTUNE_KEY);
  });
});

describe("when an attempt's trainer starts again with the same WANDB_RUN_ID (a requeued or resumed attempt)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracker-resume-'));
  const record = join(dir, 'tracker.jsonl');
  const flags = [
    ...renderArgs(readJson<Sections>(join(EXAMPLE, 'configs', 'baseline_quick.json'))),
    '--wandb',
    '--wandb-project',
    'drone',
    '--wandb-group',
    '0001',
    '--tag',
    '001',
    '--train.data-dir',
    join(dir, 'ck'),
  ];
  const env = {
    ...process.env,
    PYTHONPATH: FAKE_PUFFERLIB,
    PYTHONDONTWRITEBYTECODE: '1',
    FAKE_TRACKER_RECORD: record,
    FAKE_TRACKER_STATE: join(dir, 'state'),
    WANDB_RUN_ID: 'ap0001r001a1c0ffee',
    WANDB_RESUME: 'allow',
  };
  const run = (argv: string[]) => spawnSync(PYTHON, argv, { encoding: 'utf8', timeout: 60_000, env, cwd: dir });
  const calls = () =>
    readFileSync(record, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as TrackerCall & { resumed: boolean });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('continues the same W&B run through the shim, which has PufferLib use WANDB_RUN_ID', () => {
    const first = run([SHIM, 'train', 'puffer_drone_pp', ...flags]);
    const second = run([SHIM, 'train', 'puffer_drone_pp', ...flags]);
    expect(first.status, first.stderr).toBe(0);
    expect(second.status, second.stderr).toBe(0);
    expect(calls().map((c) => [c.settings['run_id'], c.resumed])).toEqual([
      ['ap0001r001a1c0ffee', false],
      ['ap0001r001a1c0ffee', true],
    ]);
    expect(second.stderr).toContain('wandb: Resuming run');
  });

  it("gets a fresh W&B id from PufferLib's own CLI, whose wandb.init(id=generate_id()) overrides WANDB_RUN_ID", () => {
    const native = run(['-m', 'pufferlib.pufferl', 'train', 'puffer_drone_pp', ...flags]);
    expect(native.status, native.stderr).toBe(0);
    expect(calls().at(-1)!.settings['run_id']).not.toBe('ap0001r001a1c0ffee');
  });
});
