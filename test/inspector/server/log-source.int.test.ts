import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAutopilotError } from '../../../domain/errors.js';
import { createInspectorApp, type InspectorApp } from '../../../inspector/server/app.js';
import { decoys } from '../../support/hostile.js';
import { historyWorkspace } from '../../support/histories.js';
import { fakeTrainerWorkspace } from '../../support/workspace.js';

const opened: InspectorApp[] = [];
afterEach(() => opened.splice(0).forEach((i) => i.close()));
const inspectorOf = (workspace: string) => {
  const i = createInspectorApp({ workspace, allowedHosts: null });
  opened.push(i);
  return i.app;
};
const getJson = async (app: ReturnType<typeof inspectorOf>, path: string) => (await app.request(`http://localhost${path}`)).json();

describe('the inspector on a workspace with things planted in it', () => {
  // A real log outside the workspace: what a link planted at events.db would make the server read.
  let decoyLog: string;
  let decoyMtime: number;
  beforeAll(async () => {
    const source = await historyWorkspace('loop-2');
    decoyLog = join(mkdtempSync(join(tmpdir(), 'autopilot-decoy-log-')), 'events.db');
    copyFileSync(join(source, 'events.db'), decoyLog);
    decoyMtime = statSync(decoyLog).mtimeMs;
  });

  it('refuses to start on a workspace whose events.db is a symlink', () => {
    const ws = fakeTrainerWorkspace();
    symlinkSync(decoyLog, join(ws, 'events.db'));
    let thrown: unknown;
    try {
      createInspectorApp({ workspace: ws, allowedHosts: null });
    } catch (e) {
      thrown = e;
    }
    expect(isAutopilotError(thrown, 'workspace'), String(thrown)).toBe(true);
    expect((thrown as Error).message).toMatch(/symlink/);
  });

  it('never reads through a symlink planted at events.db after it started, and says why', async () => {
    const ws = fakeTrainerWorkspace();
    const app = inspectorOf(ws);
    expect(await getJson(app, '/api/meta')).toMatchObject({ empty: true });
    symlinkSync(decoyLog, join(ws, 'events.db'));
    const meta = await getJson(app, '/api/meta');
    expect(meta).toMatchObject({ empty: true, lastSeq: 0, sessions: [] });
    expect(meta.problem).toMatch(/events\.db is a symlink to .*not read through it/);
    expect(await getJson(app, '/api/events')).toEqual({ lastSeq: 0, next: null, events: [] });
    expect(statSync(decoyLog).mtimeMs).toBe(decoyMtime);
  });

  it('never opens a FIFO planted beside the log (events.db-wal), and does not block', async () => {
    const ws = await historyWorkspace('loop-2');
    const app = inspectorOf(ws);
    expect(await getJson(app, '/api/meta')).toMatchObject({ empty: false, lastSeq: 32 });
    rmSync(join(ws, 'events.db-wal'), { force: true });
    execFileSync('mkfifo', [join(ws, 'events.db-wal')]);
    const meta = await getJson(app, '/api/meta');
    expect(meta).toMatchObject({ empty: true });
    expect(meta.problem).toMatch(/events\.db-wal is a FIFO/i);
  });

  it('reads no journal file through a symlink or a FIFO, and says which it refused', async () => {
    const ws = await historyWorkspace('loop-2');
    const decoy = decoys();
    rmSync(join(ws, 'journal', 'labbook.md'));
    execFileSync('mkfifo', [join(ws, 'journal', 'labbook.md')]);
    rmSync(join(ws, 'journal', 'notes.md'));
    symlinkSync(decoy.file, join(ws, 'journal', 'notes.md'));
    const body = await getJson(inspectorOf(ws), '/api/labbook');
    expect(body.labbook).toBeNull();
    expect(body.notes).toBeNull();
    expect(body.problems).toEqual([expect.stringMatching(/journal\/labbook\.md is a fifo/), expect.stringMatching(/journal\/notes\.md is a symlink to .*decoy\.json/)]);
    expect(JSON.stringify(body)).not.toMatch(/DECOY-SECRET/);
    expect(decoy.unchanged()).toBe(true);
  });

  it('reads no journal file larger than its cap', async () => {
    const ws = await historyWorkspace('loop-2');
    writeFileSync(join(ws, 'journal', 'notes.md'), 'x'.repeat(4 * 1024 * 1024 + 1));
    const body = await getJson(inspectorOf(ws), '/api/labbook');
    expect(body.notes).toBeNull();
    expect(body.labbook).toBe(readFileSync(join(ws, 'journal', 'labbook.md'), 'utf8'));
    expect(body.problems).toEqual([expect.stringMatching(/journal\/notes\.md is 4194305 bytes, more than/)]);
  });
});
