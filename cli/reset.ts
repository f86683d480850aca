/**
 * `autopilot reset --yes`: start a workspace's history over without losing the old one. The log
 * (events.db and its WAL, blobs/) and everything rendered or produced from it — journal/ (the
 * anchor too), runs/, proposals/run_*.json, models/, logs/ — move to archive/<UTC time>/, where
 * they stay readable (`autopilot status --workspace archive/<time>` needs only an autopilot.json
 * beside them, which is copied). The inputs (autopilot.json, policy, baselines, prompts, scripts)
 * stay. Without --yes it lists what it would move and changes nothing.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock } from '../adapters/lock.js';
import { writeConfined } from '../adapters/fs/confined.js';
import { printJson, printLine } from '../orchestrator/console.js';
import { assertWorkspace, workspacePaths, type WorkspacePaths } from '../adapters/workspace.js';
import { EXIT, UsageError } from '../domain/errors.js';
import type { CliIo } from './io.js';

/** Workspace-relative paths reset moves, as they are now. */
export function historyPaths(paths: WorkspacePaths): string[] {
  const out: string[] = [];
  const at = (rel: string) => existsSync(join(paths.root, rel));
  for (const f of ['events.db', 'events.db-wal', 'events.db-shm', 'events.db-journal', 'blobs']) if (at(f)) out.push(f);
  for (const dir of ['journal', 'runs', 'models', 'logs']) if (at(dir)) for (const name of readdirSync(join(paths.root, dir)).sort()) if (name !== '.gitkeep') out.push(`${dir}/${name}`);
  if (at('proposals')) for (const name of readdirSync(join(paths.root, 'proposals')).sort()) if (/^run_\d+\.json$/.test(name)) out.push(`proposals/${name}`);
  return out;
}

/** Runs `reset`; returns the exit code. */
export function resetCommand(o: { workspace: string; yes?: boolean; json?: boolean }, io: CliIo): number {
  const paths = workspacePaths(o.workspace);
  assertWorkspace(paths);
  const lock = acquireLock(paths.lock, 'a history is reset between sessions');
  try {
    const moving = historyPaths(paths);
    if (moving.length === 0) {
      if (o.json) printJson({ moved: [], archive: null }, io.out);
      else printLine(`nothing to reset in ${paths.root}: it holds no history`, io.out);
      return EXIT.ok;
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const archive = join('archive', stamp);
    if (!o.yes) {
      throw new UsageError(`reset moves ${moving.length} path(s) of ${paths.root} to ${archive}/: ${moving.join(', ')}`, { hint: 'run again with --yes to do it' });
    }
    const target = join(paths.root, archive);
    for (const rel of moving) {
      mkdirSync(join(target, rel, '..'), { recursive: true });
      // A rename moves an entry itself: a link stays a link, never followed.
      renameSync(join(paths.root, rel), join(target, rel));
    }
    copyFileSync(paths.settings, join(target, 'autopilot.json'));
    // The proposer's answer file starts empty again.
    writeConfined(paths.root, paths.nextConfig, '{}\n');
    if (o.json) printJson({ moved: moving, archive }, io.out);
    else printLine(`moved the history of ${paths.root} (${moving.length} path(s)) to ${archive}/; the next autopilot loop starts with run 001`, io.out);
    return EXIT.ok;
  } finally {
    lock.release();
  }
}
