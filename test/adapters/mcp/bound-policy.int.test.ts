/**
 * `propose` judges against the policy the session bound, not policy.json as an agent left it: an
 * agent that widens a max during its step and then calls the tool gains nothing. When the log keeps
 * only the policy's hash (a file over 256 KiB), the file is used only if it still has that hash.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { guardedTool } from '../../../adapters/mcp/results.js';
import { propose } from '../../../adapters/mcp/tools/propose.js';
import { McpWorkspace } from '../../../adapters/mcp/workspace.js';
import { removeWorkspace } from '../../support/chaos.js';
import { CLI, fakeTrainerWorkspace } from '../../support/workspace.js';

const workspaces: string[] = [];
afterAll(() => workspaces.forEach(removeWorkspace));

/** A workspace a real loop ran one run on; `pad` bytes of blanks make policy.json too large for the log to keep its text. */
async function bound(pad: number): Promise<string> {
  const ws = fakeTrainerWorkspace();
  workspaces.push(ws);
  const file = join(ws, 'policy.json');
  writeFileSync(file, `${readFileSync(file, 'utf8').trimEnd()}${' '.repeat(pad)}\n`);
  const r = await execa(process.execPath, [CLI, 'loop', '--runs', '1', '--workspace', ws], { reject: false, all: true });
  expect(r.exitCode, r.all).toBe(0);
  return ws;
}

/** What an agent does during its step: learning_rate may now go up to 50. */
function widen(ws: string): void {
  const file = join(ws, 'policy.json');
  const policy = JSON.parse(readFileSync(file, 'utf8')) as { keys: Record<string, { max?: number }> };
  policy.keys['train.learning_rate']!.max = 50;
  writeFileSync(file, JSON.stringify(policy));
}

/** The propose tool as the server runs it (a workspace error becomes a tool error). */
const call = async (ws: string) => {
  const args = { overrides: { 'train.learning_rate': 42 }, rationale: 'the policy allows it now', hypothesis: 'faster' };
  const r = await guardedTool(
    'propose',
    () => undefined,
    () => propose({ ws: new McpWorkspace(ws), audit: null, runId: '002' }, args),
  );
  return { isError: r.isError === true, text: (r.content[0] as { text: string }).text };
};

describe('when the log keeps the text of the bound policy', () => {
  it('judges against it: the widened max is not in force', async () => {
    const ws = await bound(0);
    widen(ws);
    const r = await call(ws);
    expect(r.isError).toBe(true);
    expect(JSON.parse(r.text)).toMatchObject({ errors: [{ key: 'train.learning_rate', rule: 'range', allowed: 'number in [0.0001, 0.05]' }] });
  });
});

describe('when the log keeps only the hash of the bound policy', () => {
  it('refuses to judge against a policy.json that no longer has that hash, saying why, and writes nothing', async () => {
    const ws = await bound(300 * 1024);
    const next = join(ws, 'proposals', 'next_config.json');
    const before = readFileSync(next, 'utf8');
    widen(ws);
    const r = await call(ws);
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/^propose: policy\.json is not the one this session bound \(sha256 [0-9a-f]{12}… recorded, [0-9a-f]{12}… now\)/);
    expect(r.text).toContain('autopilot policy set');
    expect(readFileSync(next, 'utf8')).toBe(before);
  });

  it('judges against the file while it still has that hash', async () => {
    const ws = await bound(300 * 1024);
    const r = await call(ws);
    expect(r.isError).toBe(true);
    expect(JSON.parse(r.text)).toMatchObject({ errors: [{ key: 'train.learning_rate', rule: 'range' }] });
  });
});
