import { describe, expect, it } from 'vitest';
import { AutopilotEvent, streamOf } from '../../events/catalogue.js';

const event = (data: Record<string, unknown>) => ({
  type: 'TrackerRunLinked',
  data: { runId: '001', attempt: 1, tracker: 'wandb', url: 'https://wandb.ai/a/b/runs/c', ...data },
  metadata: { session: '0001', at: '2026-12-07T00:00:00.000Z' },
});

describe('TrackerRunLinked', () => {
  it('is in the catalogue, on the run stream', () => {
    const parsed = AutopilotEvent.parse(event({}));
    expect(streamOf(parsed)).toBe('run-001');
  });

  it('refuses another tracker, an address over 300 characters and a run id that is not one', () => {
    expect(AutopilotEvent.safeParse(event({ tracker: 'mlflow' })).success).toBe(false);
    expect(AutopilotEvent.safeParse(event({ url: `https://wandb.ai/a/b/runs/${'c'.repeat(300)}` })).success).toBe(false);
    expect(AutopilotEvent.safeParse(event({ runId: '../x' })).success).toBe(false);
    expect(AutopilotEvent.safeParse(event({ url: 'javascript:alert(1)' })).success).toBe(false);
    expect(AutopilotEvent.safeParse(event({ url: 'https://evil.example/a/b/c' })).success).toBe(false);
    expect(AutopilotEvent.safeParse(event({ url: 'http://wandb.mylab.org/a/b/runs/c' })).success).toBe(false);
    expect(AutopilotEvent.safeParse(event({ url: 'https://u:p@wandb.mylab.org/a/b/runs/c' })).success).toBe(false);
  });

  it('takes a run on a self-hosted server: which hosts the settings trust is decided when it is recorded (run-log-mirror.ts), not on replay', () => {
    expect(AutopilotEvent.safeParse(event({ url: 'https://wandb.mylab.org:8443/a/b/runs/c' })).success).toBe(true);
  });
});
