/** The loop reading back an agent's MCP call log: never through a link, never blocked by a FIFO, never more than its cap. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMcpLog } from '../../../adapters/proposers/mcp-log.js';

const root = mkdtempSync(join(tmpdir(), 'autopilot-mcplog-'));
const outside = mkdtempSync(join(tmpdir(), 'autopilot-decoy-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});
const accepted = `${JSON.stringify({ at: 'x', ok: true, overrides: {}, rationale: 'r', hypothesis: 'h' })}\n`;
const unreadable = { calls: 1, rejected: 1, errors: ['the MCP call log was not a readable regular file of at most 8 MiB'] };

describe('when the call log is a regular file', () => {
  it('counts its calls and the errors returned', () => {
    const file = join(root, 'plain.jsonl');
    writeFileSync(file, `${accepted}${JSON.stringify({ ok: false, errors: [{ key: 'train.x', message: 'unknown' }] })}\n`);
    expect(readMcpLog(root, file)).toEqual({ calls: 2, rejected: 1, errors: ['train.x: unknown'] });
  });
});

describe('when the agent put something else at the call log path', () => {
  it('does not follow a symlink to a file of accepted calls outside', () => {
    const decoy = join(outside, 'calls.jsonl');
    writeFileSync(decoy, accepted.repeat(5));
    const file = join(root, 'link.jsonl');
    symlinkSync(decoy, file);
    expect(readMcpLog(root, file)).toEqual(unreadable);
  });

  it('does not block on a FIFO', () => {
    const file = join(root, 'fifo.jsonl');
    execFileSync('mkfifo', [file]);
    expect(readMcpLog(root, file)).toEqual(unreadable);
  });

  it('does not follow a symlinked folder on the way', () => {
    writeFileSync(join(outside, 'calls.jsonl'), accepted);
    symlinkSync(outside, join(root, 'logs'));
    expect(readMcpLog(root, join(root, 'logs', 'calls.jsonl'))).toEqual(unreadable);
  });

  it('reads no more than 8 MiB of a larger file', () => {
    const file = join(root, 'big.jsonl');
    writeFileSync(file, accepted.repeat(Math.ceil((9 << 20) / accepted.length)));
    expect(readMcpLog(root, file)).toEqual(unreadable);
  });
});
