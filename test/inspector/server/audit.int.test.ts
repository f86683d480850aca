import { describe, expect, it } from 'vitest';
import { auditEvents } from '../../../inspector/server/audit.js';
import { auditRun } from '../../../projections/audit/fold.js';
import { cliOut, fromLog, useInspectedHistory } from '../../support/inspector.js';

describe("a run's audit in the inspector (loop-3)", () => {
  const h = useInspectedHistory('loop-3');

  it("folds from the run's and its session's streams to the audit of the whole log", () => {
    fromLog(h.ws, (store) => {
      for (const runId of ['001', '002', '003']) expect(auditRun(auditEvents(store, runId), runId), runId).toEqual(auditRun(store.readAll(), runId));
      expect(auditEvents(store, '004')).toEqual([]);
    });
  });

  it('GET /api/runs/:id/audit is what `audit RUN --json` prints, with the text `audit RUN` prints', async () => {
    for (const runId of ['001', '002', '003']) {
      const r = await h.get(`/api/runs/${runId}/audit`);
      expect(r.status, runId).toBe(200);
      const body = await r.json();
      expect(body.runId).toBe(runId);
      expect(body.audit, runId).toEqual(JSON.parse(await cliOut(h.ws, 'audit', runId, '--json')));
      expect(body.text, runId).toBe(await cliOut(h.ws, 'audit', runId));
    }
    expect((await (await h.get('/api/runs/2/audit')).json()).runId).toBe('002');
  });
});
