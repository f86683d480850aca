/**
 * An agent launch that was not contained (its supervisor killed from inside, so nothing could
 * tell that every process it started was ended, and a setsid'd one indeed outlives it) is
 * recorded as a GuardrailViolation: a real subreaper launch, a real kill.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { processAlive } from '../../../adapters/launcher/process-group.js';
import { removeWorkspace } from '../../support/chaos.js';
import { agentRecords, eventsOfType, hostileWorkspace, loop } from '../../support/hostile.js';
import { patchSettings } from '../../support/workspace.js';

const cleanup: (() => void)[] = [];
afterAll(() => cleanup.forEach((f) => f()));

describe('when an agent kills its own supervisor under subreaper containment', () => {
  it('records that the launch was not contained, naming the attempt and the mode', async () => {
    const { ws, records } = hostileWorkspace({ HOSTILE_AGENT_ACTIONS: '1:kill-supervisor' }, { max_attempts: 2, on_exhausted: 'fallback' });
    patchSettings(ws, { containment: 'subreaper' });
    cleanup.push(() => {
      for (const e of agentRecords(records)) if (typeof e.escaped === 'number' && processAlive(e.escaped)) process.kill(e.escaped, 'SIGKILL');
      removeWorkspace(ws);
      rmSync(records, { recursive: true, force: true });
    });
    const r = await loop(ws, ['--runs', '2'], 120_000);
    expect(r.exitCode, r.all).toBe(0);
    const escaped = agentRecords(records).find((e) => typeof e.escaped === 'number')?.escaped as number;
    expect(processAlive(escaped)).toBe(true);
    const violations = eventsOfType(ws, 'GuardrailViolation').filter((e) => e.data.source === 'proposer' && e.data.attempt === 1);
    expect(violations.flatMap((e) => e.data.paths)).toContainEqual(
      expect.objectContaining({ path: 'logs/002.proposer-1.log', restored: false, note: expect.stringMatching(/^not every process of this agent launch was ended \(containment subreaper/) }),
    );
    // The second attempt was contained: nothing said of it.
    const second = eventsOfType(ws, 'GuardrailViolation')
      .filter((e) => e.data.attempt === 2)
      .flatMap((e) => e.data.paths);
    expect(second.filter((p) => p.note?.startsWith('not every process'))).toEqual([]);
  });
});
