import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/runner.js';
import { AutopilotError, EXIT, UsageError } from '../../domain/errors.js';
import { WorkspaceError } from '../../adapters/workspace.js';
import { appendAll, syntheticEvents } from '../support/synthetic-log.js';
import { ROOT, copyShippedWorkspace } from '../support/workspace.js';

/** A program with one command, `boom`, that throws `error` (or sets `code`). */
function program(result: { code: number }, body: () => number): Command {
  const p = new Command('autopilot').exitOverride();
  p.command('boom')
    .addOption(new Option('--workspace <dir>').default('autopilot'))
    .action(() => {
      result.code = body();
    });
  return p;
}

async function run(body: () => number, args: string[] = []): Promise<{ code: number; stderr: string }> {
  const result = { code: EXIT.ok as number };
  let stderr = '';
  const code = await runCli(program(result, body), ['node', 'autopilot', 'boom', ...args], result, { write: (s: string) => (stderr += s) });
  return { code, stderr };
}

const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

describe('the CLI runner', () => {
  it("returns the action's own exit code and prints nothing when nothing is thrown", async () => {
    expect(await run(() => EXIT.failed)).toEqual({ code: EXIT.failed, stderr: '' });
  });

  it('prints an expected error once, after the prefix, with its exit code and no stack', async () => {
    const usage = await run(() => {
      throw new UsageError('reset moves 3 path(s)', { hint: 'run again with --yes to do it' });
    });
    expect(usage).toEqual({ code: EXIT.usage, stderr: 'autopilot: reset moves 3 path(s); run again with --yes to do it\n' });

    const held = await run(() => {
      throw new AutopilotError('lock-held', 'another autopilot (pid 7) is running on this workspace');
    });
    expect(held.code).toBe(EXIT.failed);
    expect(held.stderr).toBe('autopilot: another autopilot (pid 7) is running on this workspace\n');

    const workspace = await run(() => {
      throw new WorkspaceError('x is not an autopilot workspace (no autopilot.json)', { hint: 'pass --workspace DIR' });
    });
    expect(workspace.code).toBe(EXIT.usage);
    expect(workspace.stderr).not.toMatch(/\n\s+at /);
    expect(workspace.stderr.match(/autopilot: /g)).toHaveLength(1);
  });

  it('names the command of a scoped error instead of the bare prefix', async () => {
    const r = await run(() => {
      throw new UsageError('nothing written: 2 path(s) exist already', { scope: 'init' });
    });
    expect(r.stderr).toBe('autopilot init: nothing written: 2 path(s) exist already\n');
  });

  it("reports an internal error with its stack, where the workspace's log ends, and how to report it", async () => {
    const ws = copyShippedWorkspace('autopilot-runner-');
    temps.push(join(ws, '..'));
    const events = syntheticEvents(2);
    appendAll(join(ws, 'events.db'), events).close();

    const r = await run(() => {
      throw new Error('projection fold met an impossible state');
    }, ['--workspace', ws]);

    expect(r.code).toBe(EXIT.failed);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe('autopilot: Error: projection fold met an impossible state');
    // The stack, once.
    expect(r.stderr.match(/impossible state/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/\n\s+at .*runner\.int\.test\.ts/);
    expect(r.stderr).toContain(`autopilot: the event log of ${ws} ends at seq ${events.length}\n`);
    const from = Math.max(1, events.length - 19);
    expect(r.stderr).toContain(`autopilot: this is a bug in autopilot: please report it with the output above and \`autopilot events --workspace ${ws} --from ${from}\`\n`);
  });

  it('creates nothing in a workspace without a log while reporting an internal error', async () => {
    const ws = copyShippedWorkspace('autopilot-runner-');
    temps.push(join(ws, '..'));
    const r = await run(() => {
      throw new TypeError('boom');
    }, ['--workspace', ws]);
    expect(r.code).toBe(EXIT.failed);
    expect(r.stderr).not.toContain('ends at seq');
    expect(r.stderr).toContain('autopilot: this is a bug in autopilot: please report it with the output above\n');
    expect(existsSync(join(ws, 'events.db'))).toBe(false);

    // No workspace at all: the same, and no folder appears.
    const missing = join(mkdtempSync(join(tmpdir(), 'autopilot-runner-')), 'none');
    temps.push(join(missing, '..'));
    const gone = await run(() => {
      throw new Error('boom');
    }, ['--workspace', missing]);
    expect(gone.stderr).toContain('this is a bug in autopilot');
    expect(existsSync(missing)).toBe(false);
  });

  it('never opens a link or FIFO planted at the log while reporting an internal error', async () => {
    // A symlink to a real log elsewhere (the decoy) and a FIFO: neither is followed nor opened, so nothing hangs or reads the decoy.
    const decoyDir = mkdtempSync(join(tmpdir(), 'autopilot-runner-decoy-'));
    temps.push(decoyDir);
    const decoy = join(decoyDir, 'events.db');
    appendAll(decoy, syntheticEvents(3)).close();
    const before = readFileSync(decoy);

    const linked = copyShippedWorkspace('autopilot-runner-');
    temps.push(join(linked, '..'));
    symlinkSync(decoy, join(linked, 'events.db'));
    const viaLink = await run(() => {
      throw new Error('boom');
    }, ['--workspace', linked]);
    expect(viaLink.code).toBe(EXIT.failed);
    expect(viaLink.stderr).not.toContain('ends at seq');
    expect(viaLink.stderr).toContain('autopilot: this is a bug in autopilot: please report it with the output above\n');
    expect(readFileSync(decoy).equals(before)).toBe(true);

    const fifo = copyShippedWorkspace('autopilot-runner-');
    temps.push(join(fifo, '..'));
    execFileSync('mkfifo', [join(fifo, 'events.db')]);
    const viaFifo = await run(() => {
      throw new Error('boom');
    }, ['--workspace', fifo]);
    expect(viaFifo.code).toBe(EXIT.failed);
    expect(viaFifo.stderr).not.toContain('ends at seq');
  });
});

describe('an unexpected error in the bundled CLI', () => {
  // The compiled bundle, as bin/autopilot.js runs it, with an output stream that throws: an error no code path expects.
  const script = (dir: string) => {
    const path = join(dir, 'throwing-out.mjs');
    writeFileSync(
      path,
      `const { main } = await import(${JSON.stringify(join(ROOT, 'dist', 'bundle', 'main.js'))});\n` +
        `const err = { write: (s) => process.stdout.write(s) };\n` +
        `const out = { write: () => { throw new Error('planted write failure'); } };\n` +
        `process.exitCode = await main(['node', 'autopilot', 'help'], { out, err, isTTY: false });\n`,
    );
    return path;
  };

  it('says how to see the modules behind its bundled stack, and with source maps on names them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'autopilot-runner-bundle-'));
    temps.push(dir);
    const path = script(dir);
    const run = (nodeOptions: string) => {
      const r = spawnSync(process.execPath, [path], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: nodeOptions } });
      expect(r.status, r.stderr).toBe(EXIT.failed);
      return r.stdout;
    };
    const plain = run('');
    expect(plain).toContain('autopilot: Error: planted write failure');
    expect(plain).toMatch(/\n\s+at .*\/dist\/bundle\/main\.js:\d+/);
    expect(plain).toContain('autopilot: the stack names bundled files (dist/bundle/); NODE_OPTIONS=--enable-source-maps names the modules they came from');
    const mapped = run('--enable-source-maps');
    expect(mapped).toMatch(/\n\s+at .*\/dist\/cli\/main\.js:\d+/);
    expect(mapped).not.toContain('dist/bundle/');
    expect(mapped).not.toContain('the stack names bundled files');
  });
});
