/** What the loop says about an agent that failed: its last words, quoted with secrets redacted and control characters escaped. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeWorkspace } from '../../support/chaos.js';
import { eventsOfType, hostileWorkspace, logOf, loop, rawLog } from '../../support/hostile.js';

const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

describe('when an agent prints secrets and escape sequences on its last line and exits non-zero', () => {
  it('quotes that line in the failure with the secrets redacted and the controls escaped, in events.db and on the console', async () => {
    const secrets = ['hunter2hunter2', 'AbCdEf0123456789AbCdEf', 's3cr3tpw'];
    const say = `starting\nOPENAI_API_KEY=${secrets[0]} token sk-proj-${secrets[1]} db postgres://admin:${secrets[2]}@db.internal/x \x1b]0;pwned\x07\x1b[2J done\n`;
    // From a file outside the workspace: in autopilot.json's env the text would be bound with the session's inputs.
    const sayFile = join(mkdtempSync(join(tmpdir(), 'autopilot-say-')), 'say.txt');
    writeFileSync(sayFile, say);
    cleanup.push(dirname(sayFile));
    const { ws, records } = hostileWorkspace({ HOSTILE_AGENT_SAY_FILE: sayFile, HOSTILE_AGENT_ACTIONS: 'crash' }, { max_attempts: 1, on_exhausted: 'fallback' });
    cleanup.push(records);
    try {
      const r = await loop(ws, ['--runs', '2'], 120_000);
      expect(r.exitCode, r.all).toBe(0);
      const failed = eventsOfType(ws, 'ProposalFailed');
      expect(failed).toHaveLength(1);
      const message = String(failed[0]?.data.message);
      expect(message).toMatch(/exited with code 4 \(last output: OPENAI_API_KEY=<redacted> token <redacted> db postgres:\/\/<redacted>@db\.internal\/x \\x1b\]0;pwned\\x07\\x1b\[2J done\)/);
      // The file's bytes for the secrets (WAL included); the events' text for the controls (SQLite's own pages hold such bytes).
      const stored = rawLog(ws);
      const events = JSON.stringify(logOf(ws));
      for (const raw of secrets) {
        expect(stored.includes(raw), raw).toBe(false);
        expect(r.all?.includes(raw), raw).toBe(false);
      }
      for (const raw of ['\x1b', '\x07']) {
        expect(events.includes(JSON.stringify(raw).slice(1, -1)), JSON.stringify(raw)).toBe(false);
        expect(r.all?.includes(raw), JSON.stringify(raw)).toBe(false);
      }
    } finally {
      removeWorkspace(ws);
    }
  }, 180_000);
});
