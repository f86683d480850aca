import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { historyWorkspace } from '../support/histories.js';
import { runInProcess, type CliRun } from '../support/cli-in-process.js';
import { CLI, fakeTrainerWorkspace } from '../support/workspace.js';

/** `autopilot ...args` through the built CLI in a child process, its output kept byte for byte. */
async function spawned(args: readonly string[]): Promise<CliRun> {
  const r = await execa('node', [CLI, ...args], { reject: false, stripFinalNewline: false });
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `args` in process with the process's own streams watched; fails when anything reached them. */
async function inProcess(args: readonly string[]): Promise<CliRun> {
  const stdout = vi.spyOn(process.stdout, 'write');
  const stderr = vi.spyOn(process.stderr, 'write');
  try {
    const r = await runInProcess(args);
    expect(stdout, `autopilot ${args.join(' ')} wrote to process.stdout`).not.toHaveBeenCalled();
    expect(stderr, `autopilot ${args.join(' ')} wrote to process.stderr`).not.toHaveBeenCalled();
    return r;
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('when the read-only commands run in process on a committed history', () => {
  let ws: string;
  beforeAll(async () => {
    ws = await historyWorkspace('loop-2');
  });

  const commands: [string, (ws: string) => string[]][] = [
    ['status', (w) => ['status', '--workspace', w]],
    ['status --json', (w) => ['status', '--workspace', w, '--json']],
    ['status --optimizer', (w) => ['status', '--optimizer', '--workspace', w]],
    ['audit 001', (w) => ['audit', '001', '--workspace', w]],
    ['audit 002 --json', (w) => ['audit', '002', '--workspace', w, '--json']],
    ['replay --at 10', (w) => ['replay', '--at', '10', '--workspace', w]],
    ['replay --at 10 --json', (w) => ['replay', '--at', '10', '--workspace', w, '--json']],
    ['events', (w) => ['events', '--workspace', w]],
    ['events --json --run 001', (w) => ['events', '--workspace', w, '--json', '--run', '001']],
    ['verify --verdicts', (w) => ['verify', '--verdicts', '--workspace', w]],
    ['check', (w) => ['check', '--workspace', w]],
    ['policy check', (w) => ['policy', 'check', '--workspace', w]],
  ];

  it.each(commands)('%s prints what the spawned CLI prints, with its exit code, and nothing on the process streams', async (_, argsOf) => {
    const args = argsOf(ws);
    const here = await inProcess(args);
    expect(here.code, here.stderr).toBe(0);
    expect(here.stdout).not.toBe('');
    expect(here).toEqual(await spawned(args));
  });

  const failures: [string, (ws: string) => string[], number][] = [
    ['audit of a run the log does not hold', (w) => ['audit', '999', '--workspace', w], 1],
    ['replay past the end of the log', (w) => ['replay', '--at', '100000', '--workspace', w], 2],
    ['an unknown option (commander)', (w) => ['status', '--bogus', '--workspace', w], 2],
    ['an unknown --type', (w) => ['events', '--type', 'Nope', '--workspace', w], 2],
  ];

  it.each(failures)('%s is reported on the err stream with the exit code of the spawned CLI', async (_, argsOf, code) => {
    const args = argsOf(ws);
    const here = await inProcess(args);
    expect(here.code).toBe(code);
    expect(here.stdout).toBe('');
    expect(here.stderr).not.toBe('');
    expect(here).toEqual(await spawned(args));
  });
});

describe('when a loop cannot start', () => {
  it('reports a directory that is not a workspace through the runner, exit 2, as the spawned CLI does', async () => {
    const args = ['loop', '--workspace', '/tmp'];
    const here = await inProcess(args);
    expect(here.code).toBe(2);
    expect(here.stderr).toMatch(/^autopilot: .*not an autopilot workspace/);
    expect(here).toEqual(await spawned(args));
  });

  it('reports the preflight problems through the runner, exit 2, having recorded nothing', async () => {
    const ws = fakeTrainerWorkspace();
    writeFileSync(join(ws, 'policy.json'), '{"keys": {}}\n');
    const args = ['loop', '--runs', '1', '--workspace', ws];
    const here = await inProcess(args);
    expect(here.code).toBe(2);
    expect(here.stderr).toMatch(/^autopilot: the preflight found \d+ problems?; no session was started and nothing was recorded:\n/);
    expect(here.stdout).toBe('');
    expect(here).toEqual(await spawned(args));
    expect(existsSync(join(ws, 'events.db'))).toBe(false);
  });
});

describe('when a loop runs in process', () => {
  it('prints its lines on the injected out stream, never the live line a terminal gets, and nothing on the process streams', async () => {
    const ws = fakeTrainerWorkspace();
    // As if the tests ran in a terminal: the injected stream still is none.
    const wasTty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
    let here: CliRun;
    try {
      here = await inProcess(['loop', '--runs', '2', '--workspace', ws]);
    } finally {
      if (wasTty) Object.defineProperty(process.stdout, 'isTTY', wasTty);
      else delete (process.stdout as { isTTY?: boolean }).isTTY;
    }
    expect(here.code, here.stderr).toBe(0);
    expect(here.stdout).toMatch(/\nincumbent: run 00[12] with /);
    expect(here.stdout).toMatch(/^run 001 ▸ .*steps/m);
    expect(here.stdout).toMatch(/\nhead: seq \d+ sha256 [0-9a-f]{64}\n$/);
    // The redrawn progress line (carriage return, erase) is for the process's own TTY only.
    expect(here.stdout).not.toMatch(/\r|\x1b\[/);
    expect(here.stderr).toBe('');
  });
});
