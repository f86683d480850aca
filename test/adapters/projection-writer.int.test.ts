import { execFileSync } from 'node:child_process';
import { appendFileSync, linkSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectionWriter } from '../../adapters/projection-writer.js';
import { rebuildProjections } from '../../adapters/projection-rebuild.js';
import type { AutopilotEvent } from '../../events/catalogue.js';
import type { SqliteEventStore } from '../../adapters/store/sqlite-store.js';
import type { StoredEvent } from '../../events/store.js';
import { workspacePaths } from '../../adapters/workspace.js';
import { renderLabbook, renderNotes } from '../../projections/render.js';
import { appendAll, syntheticEvents } from '../support/synthetic-log.js';
import { copyShippedWorkspace } from '../support/workspace.js';

const LABBOOK = 'journal/labbook.md';
const NOTES = 'journal/notes.md';
const read = (ws: string, rel: string) => readFileSync(join(ws, rel), 'utf8');

describe("the loop's projection writer, over a history of many runs", () => {
  let ws: string;
  let store: SqliteEventStore<AutopilotEvent>;
  let stored: StoredEvent<AutopilotEvent>[];
  /** Index just past each JournalWritten: the events of run k are stored.slice(runEnds[k-1], runEnds[k]). */
  let runEnds: number[];
  const scratch: string[] = [];

  beforeAll(() => {
    ws = copyShippedWorkspace('autopilot-pw-');
    store = appendAll(workspacePaths(ws).events, syntheticEvents(30, 10));
    stored = [...store.readAll()];
    runEnds = [0];
    stored.forEach((s, i) => s.event.type === 'JournalWritten' && runEnds.push(i + 1));
  });
  afterAll(() => {
    store.close();
    for (const d of [dirname(ws), ...scratch]) rmSync(d, { recursive: true, force: true });
  });

  /** A writer in a fresh copy of the workspace, caught up on nothing. */
  function freshWriter(): { dir: string; writer: ProjectionWriter } {
    const dir = copyShippedWorkspace('autopilot-pw-');
    scratch.push(dirname(dir));
    return { dir, writer: new ProjectionWriter(dir) };
  }
  /** A path in a temp dir outside the workspace, for a file an attack would aim at. */
  function decoyPath(name: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'autopilot-decoy-'));
    scratch.push(dir);
    return join(dir, name);
  }
  const applyRuns = (writer: ProjectionWriter, from: number, to: number) => {
    for (const s of stored.slice(runEnds[from - 1], runEnds[to])) writer.apply(s);
  };

  it('appends to the labbook it wrote (same file, growing), and leaves every file equal to a rebuild from the log', () => {
    const { dir, writer } = freshWriter();
    applyRuns(writer, 1, 1);
    const ino = statSync(join(dir, LABBOOK)).ino;
    let size = statSync(join(dir, LABBOOK)).size;
    for (let run = 2; run < runEnds.length; run++) {
      applyRuns(writer, run, run);
      const st = statSync(join(dir, LABBOOK));
      expect(st.ino).toBe(ino);
      expect(st.size).toBeGreaterThan(size);
      size = st.size;
      expect(read(dir, LABBOOK)).toBe(renderLabbook(writer.view));
      expect(read(dir, NOTES)).toBe(renderNotes(writer.view));
    }
    for (const s of stored.slice(runEnds.at(-1))) writer.apply(s);
    const rebuilt = rebuildProjections(ws, store);
    for (const rel of rebuilt.files) expect(read(dir, rel), rel).toBe(read(ws, rel));
    expect(writer.takeUnsafe()).toEqual([]);
  }, 120_000);

  it('rewrites whole a journal file edited behind its back, whatever its size', () => {
    const { dir, writer } = freshWriter();
    applyRuns(writer, 1, 3);
    appendFileSync(join(dir, LABBOOK), 'forged line\n');
    applyRuns(writer, 4, 4);
    expect(read(dir, LABBOOK)).toBe(renderLabbook(writer.view));
    // Same size, other bytes, an older mtime: still not the file it wrote.
    const text = read(dir, NOTES);
    writeFileSync(join(dir, NOTES), text.replace('Run', 'Nur'));
    utimesSync(join(dir, NOTES), new Date(0), new Date(0));
    applyRuns(writer, 5, 5);
    expect(read(dir, NOTES)).toBe(renderNotes(writer.view));
  }, 120_000);

  it('replaces a symlink planted at the labbook without writing through it, and reports it', () => {
    const { dir, writer } = freshWriter();
    applyRuns(writer, 1, 2);
    const decoy = decoyPath('precious.txt');
    writeFileSync(decoy, 'precious\n');
    unlinkSync(join(dir, LABBOOK));
    symlinkSync(decoy, join(dir, LABBOOK));
    applyRuns(writer, 3, 3);
    expect(readFileSync(decoy, 'utf8')).toBe('precious\n');
    expect(lstatSync(join(dir, LABBOOK)).isFile()).toBe(true);
    expect(read(dir, LABBOOK)).toBe(renderLabbook(writer.view));
    expect(writer.takeUnsafe()).toContainEqual(expect.objectContaining({ path: LABBOOK, kind: 'symlink', target: decoy, action: 'removed' }));
  }, 120_000);

  it('never writes into a hard link to a file elsewhere, nor opens a FIFO planted at the notes', () => {
    const { dir, writer } = freshWriter();
    applyRuns(writer, 1, 2);
    const decoy = decoyPath('linked.md');
    linkSync(join(dir, LABBOOK), decoy);
    const before = readFileSync(decoy, 'utf8');
    unlinkSync(join(dir, NOTES));
    execFileSync('mkfifo', [join(dir, NOTES)]);
    applyRuns(writer, 3, 3);
    expect(readFileSync(decoy, 'utf8')).toBe(before);
    expect(lstatSync(join(dir, LABBOOK)).nlink).toBe(1);
    expect(read(dir, LABBOOK)).toBe(renderLabbook(writer.view));
    expect(lstatSync(join(dir, NOTES)).isFile()).toBe(true);
    expect(read(dir, NOTES)).toBe(renderNotes(writer.view));
    expect(writer.takeUnsafe()).toContainEqual(expect.objectContaining({ path: NOTES, kind: 'fifo', action: 'removed' }));
  }, 120_000);

  it('catches up on a log and then appends to the files it found matching', () => {
    const { dir, writer } = freshWriter();
    applyRuns(writer, 1, 3);
    const again = new ProjectionWriter(dir);
    const upTo = stored[runEnds[3]! - 1]!.seq;
    again.catchUp({ ...store, readAll: (o = {}) => store.readAll({ ...o, toSeq: Math.min(o.toSeq ?? upTo, upTo) }) });
    const ino = statSync(join(dir, LABBOOK)).ino;
    applyRuns(again, 4, 4);
    expect(statSync(join(dir, LABBOOK)).ino).toBe(ino);
    expect(read(dir, LABBOOK)).toBe(renderLabbook(again.view));
    expect(read(dir, NOTES)).toBe(renderNotes(again.view));
  }, 120_000);
});
