/** A fake-trainer workspace inside a real temporary git repository, for the tests of the loop's per-run commits. */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gitIn, put } from './git-repo.js';
import { fakeTrainerWorkspace } from './workspace.js';

/** A fake-trainer workspace at `<repo>/autopilot`, the repository holding one commit of its own; `identity: false` leaves it without one. */
export function repoWorkspace(identity = true, env: Record<string, string> = {}): { ws: string; repo: string } {
  const ws = fakeTrainerWorkspace(env);
  // The shipped workspace turns commits off (it lives inside autopilot's own repository): this one takes the default, on inside a work tree.
  const settingsPath = join(ws, 'autopilot.json');
  const { git: _off, ...settings } = JSON.parse(readFileSync(settingsPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(settingsPath, `${JSON.stringify(settings, null, 2)}\n`);
  const repo = dirname(ws);
  gitIn(repo, 'init', '-q', '-b', 'main');
  if (identity) {
    gitIn(repo, 'config', 'user.name', 'Test');
    gitIn(repo, 'config', 'user.email', 'test@example.com');
  } else gitIn(repo, 'config', 'user.useConfigOnly', 'true');
  put(repo, 'README.md', 'project\n');
  gitIn(repo, 'add', 'README.md');
  gitIn(repo, '-c', 'user.name=Setup', '-c', 'user.email=setup@example.com', 'commit', '-q', '-m', 'initial');
  return { ws, repo };
}
