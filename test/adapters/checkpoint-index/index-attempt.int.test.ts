import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexAttempt, type AttemptRef } from '../../../adapters/checkpoint-index/index-attempt.js';
import { CheckpointSettingsSchema, type CheckpointSettings } from '../../../domain/config/checkpoint-settings.js';
import { emptyView, evolveView, type WorkspaceView } from '../../../projections/view.js';
import { LogBuilder } from '../../projections/support.js';

const sha = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');
const settings = (over: Record<string, unknown> = {}): CheckpointSettings => CheckpointSettingsSchema.parse(over);
const ref = (over: Partial<AttemptRef> = {}): AttemptRef => ({ runId: '001', attempt: 1, seed: 7, firstStartMs: null, ...over });

function workspace(): string {
  const ws = mkdtempSync(join(tmpdir(), 'autopilot-ckpt-'));
  mkdirSync(join(ws, 'runs', '001', 'checkpoints'), { recursive: true });
  return ws;
}

function viewWith(runs: string[], indexed: Record<string, string[]> = {}): WorkspaceView {
  const log = new LogBuilder();
  runs.forEach((runId, i) => log.add('RunPlanned', { runId, index: i + 1, kind: 'proposal', mode: 'quick' }));
  for (const [runId, paths] of Object.entries(indexed))
    log.add('CheckpointsIndexed', {
      runId,
      attempt: 1,
      dir: 'experiments',
      checkpoints: paths.map((path, i) => ({ path, name: `runs/${runId}/checkpoints/${runId}-s1-${i}.pt`, step: i, size: 1, sha256: 'a'.repeat(64), seed: 1, via: 'link' as const })),
    });
  let view = emptyView();
  for (const e of log.events) view = evolveView(view, e);
  return view;
}

/** A decoy outside the workspace: a file an attack would have the indexer read, hash or link. */
function decoy() {
  const dir = mkdtempSync(join(tmpdir(), 'autopilot-decoy-'));
  const file = join(dir, 'weights.pt');
  writeFileSync(file, 'DECOY-WEIGHTS-5521');
  utimesSync(file, new Date(1_000_000_000), new Date(1_000_000_000));
  const before = statSync(file);
  // Its access time first (relatime updates it on a read, as atime is not after mtime), then its bytes and links.
  return { dir, file, unchanged: () => statSync(file).atimeMs === before.atimeMs && statSync(file).nlink === 1 && readFileSync(file, 'utf8') === 'DECOY-WEIGHTS-5521' };
}

describe('indexing the checkpoints an attempt left in its run folder', () => {
  it('exposes each under <run>-s<seed>-<step>.<ext> by hard link, hashes it, and leaves its own names out of the next scan', async () => {
    const ws = workspace();
    const dir = join(ws, 'runs', '001', 'checkpoints');
    writeFileSync(join(dir, 'model_000001.json'), '{"epoch":1}');
    writeFileSync(join(dir, 'model_000002.json'), '{"epoch":2}');
    writeFileSync(join(dir, 'model_000003.json.tmp'), 'half-written');
    const out = (await indexAttempt(ws, settings(), ref(), viewWith(['001'])))!;
    expect(out.unsafe).toEqual([]);
    expect(out.data.dir).toBe('runs/001/checkpoints');
    expect(out.data.checkpoints).toEqual([
      { path: 'runs/001/checkpoints/model_000001.json', name: 'runs/001/checkpoints/001-s7-1.json', step: 1, size: 11, sha256: sha('{"epoch":1}'), seed: 7, via: 'link' },
      { path: 'runs/001/checkpoints/model_000002.json', name: 'runs/001/checkpoints/001-s7-2.json', step: 2, size: 11, sha256: sha('{"epoch":2}'), seed: 7, via: 'link' },
    ]);
    expect(statSync(join(dir, '001-s7-2.json')).ino).toBe(statSync(join(dir, 'model_000002.json')).ino);
    // The second attempt's scan sees the trainer's files, not the names exposed after the first.
    const again = (await indexAttempt(ws, settings(), ref({ attempt: 2 }), viewWith(['001'])))!;
    expect(again.data.checkpoints.map((c) => c.name)).toEqual(out.data.checkpoints.map((c) => c.name));
  });

  it('copies across file systems, hashing while it copies, and the copy holds those bytes', async () => {
    if (!existsSync('/dev/shm') || statSync('/dev/shm').dev === statSync(tmpdir()).dev) throw new Error('this test needs /dev/shm on another file system than the temp dir');
    const ws = workspace();
    const outside = mkdtempSync('/dev/shm/autopilot-ckpt-');
    try {
      mkdirSync(join(outside, 'puffer_001'));
      const bytes = Buffer.from(Array.from({ length: 3 << 20 }, (_, i) => (i * 31) % 251));
      writeFileSync(join(outside, 'puffer_001', 'model_000200.pt'), bytes);
      const out = (await indexAttempt(ws, settings({ dir: outside, outside_workspace: true }), ref(), viewWith(['001'])))!;
      expect(out.data.dir).toBe(outside);
      expect(out.data.checkpoints).toEqual([
        { path: join(outside, 'puffer_001', 'model_000200.pt'), name: 'runs/001/checkpoints/001-s7-200.pt', step: 200, size: bytes.length, sha256: sha(bytes), seed: 7, via: 'copy' },
      ]);
      expect(sha(readFileSync(join(ws, 'runs/001/checkpoints/001-s7-200.pt')))).toBe(sha(bytes));
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('never follows a planted link to a decoy outside the workspace (file or folder), nor opens a FIFO: each is named, the decoy untouched', async () => {
    const ws = workspace();
    const d = decoy();
    const dir = join(ws, 'runs', '001', 'checkpoints');
    writeFileSync(join(dir, 'model_000001.json'), 'real');
    symlinkSync(d.file, join(dir, 'model_000009.pt'));
    symlinkSync(d.dir, join(dir, 'nested'));
    execFileSync('mkfifo', [join(dir, 'model_000005.pt')]);
    const out = (await indexAttempt(ws, settings(), ref(), viewWith(['001'])))!;
    expect(out.data.checkpoints.map((c) => c.path)).toEqual(['runs/001/checkpoints/model_000001.json']);
    expect(out.data.checkpoints.some((c) => c.sha256 === sha('DECOY-WEIGHTS-5521'))).toBe(false);
    expect(out.unsafe.map((u) => [u.path, u.kind]).sort()).toEqual([
      ['runs/001/checkpoints/model_000005.pt', 'fifo'],
      ['runs/001/checkpoints/model_000009.pt', 'symlink'],
      ['runs/001/checkpoints/nested', 'symlink'],
    ]);
    expect(out.data.skipped?.map((s) => s.path).sort()).toEqual(['runs/001/checkpoints/model_000005.pt', 'runs/001/checkpoints/model_000009.pt', 'runs/001/checkpoints/nested']);
    expect(d.unchanged()).toBe(true);
    expect(existsSync(join(dir, '001-s7-9.pt'))).toBe(false);
  });

  it('refuses a checkpoint folder that is itself a link out of the workspace', async () => {
    const ws = workspace();
    const d = decoy();
    rmSync(join(ws, 'runs', '001', 'checkpoints'), { recursive: true });
    symlinkSync(d.dir, join(ws, 'runs', '001', 'checkpoints'));
    const out = (await indexAttempt(ws, settings(), ref(), viewWith(['001'])))!;
    expect(out.data.checkpoints).toEqual([]);
    expect(out.unsafe).toEqual([{ path: 'runs/001/checkpoints', kind: 'symlink', target: d.dir, action: 'ignored' }]);
    expect(d.unchanged()).toBe(true);
    expect(lstatSync(join(ws, 'runs', '001', 'checkpoints')).isSymbolicLink()).toBe(true);
  });

  it('reads no more files than checkpoints.max_files and no more bytes than checkpoints.max_bytes, naming the rest', async () => {
    const ws = workspace();
    const dir = join(ws, 'runs', '001', 'checkpoints');
    for (const [step, size] of [
      [1, 10],
      [2, 10],
      [3, 50],
      [4, 10],
    ])
      writeFileSync(join(dir, `model_${step}.pt`), 'x'.repeat(size!));
    const out = (await indexAttempt(ws, settings({ max_files: 3, max_bytes: 30 }), ref(), viewWith(['001'])))!;
    expect(out.data.checkpoints.map((c) => c.step)).toEqual([1, 2]);
    expect(out.data.skipped).toEqual([
      { path: 'runs/001/checkpoints/model_4.pt', reason: 'over checkpoints.max_files (3)' },
      { path: 'runs/001/checkpoints/model_3.pt', reason: 'over checkpoints.max_bytes (50 bytes, 10 left)' },
    ]);
    expect(existsSync(join(dir, '001-s7-3.pt'))).toBe(false);
  });
});

describe('indexing a large checkpoint', () => {
  it('leaves the event loop free while it hashes: timers fire between its reads, by link and by copy', async () => {
    if (!existsSync('/dev/shm') || statSync('/dev/shm').dev === statSync(tmpdir()).dev) throw new Error('this test needs /dev/shm on another file system than the temp dir');
    const ws = workspace();
    const outside = mkdtempSync('/dev/shm/autopilot-ckpt-');
    try {
      // 48 MiB each, as the trainer would write them (not sparse): 48 reads of 1 MiB.
      const bytes = Buffer.alloc(48 << 20, 7);
      writeFileSync(join(ws, 'runs', '001', 'checkpoints', 'model_000010.pt'), bytes);
      mkdirSync(join(outside, 'puffer_001'));
      writeFileSync(join(outside, 'puffer_001', 'model_000020.pt'), bytes);
      for (const [dir, via] of [
        [undefined, 'link'],
        [outside, 'copy'],
      ] as const) {
        let ticks = 0;
        const timer = setInterval(() => ticks++, 1);
        const out = (await indexAttempt(ws, settings(dir === undefined ? {} : { dir, outside_workspace: true }), ref(), viewWith(['001'])))!;
        clearInterval(timer);
        expect(out.data.checkpoints.map((c) => [c.via, c.size, c.sha256])).toEqual([[via, bytes.length, sha(bytes)]]);
        // A hash that held the thread for the whole file would let no timer fire before it returned.
        expect(ticks, `${via}: timer ticks while indexing`).toBeGreaterThanOrEqual(5);
      }
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe("indexing a folder shared by runs (PufferLib's experiments/)", () => {
  it("takes the files written since the run's first attempt started and not indexed by another run", async () => {
    const ws = workspace();
    const exp = join(ws, 'experiments');
    mkdirSync(join(exp, 'puffer_a'), { recursive: true });
    mkdirSync(join(exp, 'puffer_b'), { recursive: true });
    writeFileSync(join(exp, 'puffer_a', 'model_puffer_000001.pt'), 'old run');
    utimesSync(join(exp, 'puffer_a', 'model_puffer_000001.pt'), new Date(1_000_000), new Date(1_000_000));
    writeFileSync(join(exp, 'puffer_b', 'model_puffer_000001.pt'), 'other run');
    writeFileSync(join(exp, 'puffer_b', 'model_puffer_000002.pt'), 'this run');
    writeFileSync(join(exp, 'puffer_b', 'trainer_state.pt'), 'state');
    const view = viewWith(['000', '001'], { '000': ['experiments/puffer_b/model_puffer_000001.pt'] });
    const out = (await indexAttempt(ws, settings({ dir: 'experiments' }), ref({ firstStartMs: Date.now() - 60_000 }), view))!;
    expect(out.data.checkpoints.map((c) => [c.path, c.name, c.step])).toEqual([
      ['experiments/puffer_b/trainer_state.pt', 'runs/001/checkpoints/001-s7-trainer_state.pt', null],
      ['experiments/puffer_b/model_puffer_000002.pt', 'runs/001/checkpoints/001-s7-2.pt', 2],
    ]);
  });

  it('records nothing when the folder holds nothing of the run and nothing was indexed before', async () => {
    const ws = workspace();
    expect(await indexAttempt(ws, settings({ dir: 'experiments' }), ref(), viewWith(['001']))).toBeNull();
  });
});
