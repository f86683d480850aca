import { describe, expect, it } from 'vitest';
import { inputChangeHint, keptText, rejectedClause, rejectedFile } from '../../projections/rejected-inputs-text.js';

const sha = 'a'.repeat(64);

describe('what is said of bound inputs put back', () => {
  it('names the blob a rejected edit is kept in, and nothing for a path with none', () => {
    const kept = { path: 'policy.json', change: 'modified' as const, restored: true, rejected: { sha256: sha, bytes: 10 } };
    const link = { path: 'prompts/propose.md', change: 'modified' as const, restored: true, kind: 'symlink' as const };
    expect(rejectedFile(kept)).toBe(`blobs/${sha}.json`);
    expect(rejectedFile(link)).toBeNull();
    expect(keptText([kept, link])).toBe(`policy.json's edit is kept in blobs/${sha}.json`);
    expect(keptText([{ ...kept, rejected: { sha256: sha, bytes: 10, redacted: true } }])).toContain('(secrets redacted)');
    expect(keptText([link])).toBe('');
  });

  it('says how to change policy.json (policy set) and the other inputs (a new session, or --accept-input-changes)', () => {
    const policy = { path: 'policy.json', change: 'modified' as const, restored: true };
    const settings = { path: 'autopilot.json', change: 'modified' as const, restored: true };
    expect(inputChangeHint([policy])).toBe('to change policy.json, stop the loop (autopilot stop) and run autopilot policy set FILE --why "<why>"');
    expect(inputChangeHint([settings])).toMatch(/^to change autopilot\.json, stop the loop .*autopilot loop --accept-input-changes "<why>"\)$/);
    expect(inputChangeHint([policy, settings]).split('; to change ')).toHaveLength(2);
    expect(rejectedClause([policy])).toBe(inputChangeHint([policy]));
  });
});
