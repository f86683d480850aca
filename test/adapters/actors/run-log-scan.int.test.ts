import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanRunLog } from '../../../adapters/actors/run-log-scan.js';
import { trackerRunIdOf } from '../../../adapters/actors/trainer-env.js';
import { decoys } from '../../support/hostile.js';

const URL1 = 'https://wandb.ai/team/drone/runs/first';
const URL2 = 'https://wandb.ai/team/drone/runs/second';

/** A workspace with run 001's folder and a log of two attempts; returns the paths and where attempt 2 starts. */
function workspace() {
  const root = mkdtempSync(join(tmpdir(), 'scan-ws-'));
  mkdirSync(join(root, 'logs'));
  const runDir = join(root, 'runs', '001');
  mkdirSync(runDir, { recursive: true });
  const first = ['{"agent_steps": 1, "score": 1.5}', `wandb: 🚀 View run at ${URL1}`, 'not json {', '{"agent_steps": 2, "score": 2.5, "note": "x"}', 'Traceback: boom'].join('\n') + '\n';
  const second = [`wandb: 🚀 View run at ${URL2}`, '{"agent_steps": 3}', '{"agent_steps": 4}', `wandb: 🚀 View run 001 at: ${URL2}`].join('\n') + '\n';
  const log = join(root, 'logs', '001.log');
  writeFileSync(log, first + second);
  const starts = [
    { attempt: 1, logOffset: 0 },
    { attempt: 2, logOffset: Buffer.byteLength(first) },
  ];
  return { root, runDir, log, starts, mirror: join(runDir, 'metrics.jsonl') };
}

describe("when an attempt's end is read from the run's log", () => {
  it('mirrors every metric line of every attempt, labelled by attempt, and takes the ending attempt\u2019s first tracker URL', () => {
    const w = workspace();
    const scan = scanRunLog(w.root, w.log, w.runDir, w.starts, 2);
    expect(scan).toEqual({ link: { tracker: 'wandb', url: URL2 }, lines: 4, unsafe: [] });
    expect(readFileSync(w.mirror, 'utf8')).toBe(
      [
        { attempt: 1, metrics: { agent_steps: 1, score: 1.5 } },
        { attempt: 1, metrics: { agent_steps: 2, score: 2.5 } },
        { attempt: 2, metrics: { agent_steps: 3 } },
        { attempt: 2, metrics: { agent_steps: 4 } },
      ]
        .map((l) => `${JSON.stringify(l)}\n`)
        .join(''),
    );
    expect(scanRunLog(w.root, w.log, w.runDir, w.starts.slice(0, 1), 1).link).toEqual({ tracker: 'wandb', url: URL1 });
  });

  it('takes a link on a self-hosted server only when its origin is given, the first of the attempt still', () => {
    const w = workspace();
    const lab = 'https://wandb.mylab.org:8443/team/drone/runs/third';
    writeFileSync(w.log, `${readFileSync(w.log, 'utf8')}wandb: 🚀 View run at ${lab}\n`);
    const third = [...w.starts, { attempt: 3, logOffset: statSync(w.log).size - Buffer.byteLength(`wandb: 🚀 View run at ${lab}\n`) }];
    expect(scanRunLog(w.root, w.log, w.runDir, third, 3).link).toBeNull();
    expect(scanRunLog(w.root, w.log, w.runDir, third, 3, { wandb: ['https://wandb.mylab.org'] }).link).toBeNull();
    expect(scanRunLog(w.root, w.log, w.runDir, third, 3, { wandb: ['https://wandb.mylab.org:8443'] }).link).toEqual({ tracker: 'wandb', url: lab });
    expect(scanRunLog(w.root, w.log, w.runDir, third, 2, { wandb: ['https://wandb.mylab.org:8443'] }).link).toEqual({ tracker: 'wandb', url: URL2 });
  });

  it('rewrites the mirror whole when read again (a reattached attempt ending), never duplicating a line', () => {
    const w = workspace();
    scanRunLog(w.root, w.log, w.runDir, w.starts, 2);
    const once = readFileSync(w.mirror, 'utf8');
    scanRunLog(w.root, w.log, w.runDir, w.starts, 2);
    expect(readFileSync(w.mirror, 'utf8')).toBe(once);
  });

  it('does not follow a log swapped for a link to a decoy, nor open a FIFO', () => {
    const w = workspace();
    const d = decoys();
    writeFileSync(d.file, `{"agent_steps": 99}\nwandb: View run at ${URL1}\n`);
    const before = readFileSync(d.file, 'utf8');
    const linked = join(w.root, 'logs', '002.log');
    symlinkSync(d.file, linked);
    expect(scanRunLog(w.root, linked, join(w.root, 'runs', '002'), [{ attempt: 1, logOffset: 0 }], 1)).toEqual({ link: null, lines: 0, unsafe: [] });
    expect(existsSync(join(w.root, 'runs', '002', 'metrics.jsonl'))).toBe(false);
    const fifo = join(w.root, 'logs', '003.log');
    execFileSync('mkfifo', [fifo]);
    expect(scanRunLog(w.root, fifo, join(w.root, 'runs', '003'), [{ attempt: 1, logOffset: 0 }], 1)).toEqual({ link: null, lines: 0, unsafe: [] });
    expect(readFileSync(d.file, 'utf8')).toBe(before);
  });

  it('replaces a link planted at metrics.jsonl instead of writing through it', () => {
    const w = workspace();
    const d = decoys();
    symlinkSync(d.file, w.mirror);
    expect(scanRunLog(w.root, w.log, w.runDir, w.starts, 2).unsafe).toEqual([expect.objectContaining({ path: 'runs/001/metrics.jsonl', kind: 'symlink', action: 'removed' })]);
    expect(d.unchanged()).toBe(true);
    expect(lstatSync(w.mirror).isFile()).toBe(true);
    expect(readFileSync(w.mirror, 'utf8').split('\n').filter(Boolean)).toHaveLength(4);
  });

  it('writes nothing through a run folder swapped for a link', () => {
    const w = workspace();
    const d = decoys();
    const runDir = join(w.root, 'runs', '004');
    symlinkSync(d.folder, runDir);
    writeFileSync(join(w.root, 'logs', '004.log'), '{"agent_steps": 1}\n');
    expect(scanRunLog(w.root, join(w.root, 'logs', '004.log'), runDir, [{ attempt: 1, logOffset: 0 }], 1)).toEqual({ link: null, lines: 0, unsafe: [] });
    expect(existsSync(join(d.folder, 'metrics.jsonl'))).toBe(false);
    // Left as it is, for the run-folder record to name.
    expect(lstatSync(runDir).isSymbolicLink()).toBe(true);
    expect(d.unchanged()).toBe(true);
  });
});

describe("when an attempt's tracker run id is derived", () => {
  const t = { session: '0002', runId: '007', attempt: 1, sessionStartedAt: '2026-12-07T10:00:00.000Z' };

  it('gives the same attempt the same id (a resumed or requeued attempt continues its run), another attempt or session another', () => {
    expect(trackerRunIdOf({ ...t })).toBe(trackerRunIdOf(t));
    expect(trackerRunIdOf({ ...t, attempt: 2 })).not.toBe(trackerRunIdOf(t));
    // Another workspace's session 0002 (started at another time) does not share the id.
    expect(trackerRunIdOf({ ...t, sessionStartedAt: '2026-12-08T10:00:00.000Z' })).not.toBe(trackerRunIdOf(t));
    expect(trackerRunIdOf(t)).toMatch(/^ap0002r007a1[0-9a-f]{24}$/);
  });
});
