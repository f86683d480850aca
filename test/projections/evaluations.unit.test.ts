import { describe, expect, it } from 'vitest';
import type { AutopilotEvent } from '../../events/catalogue.js';
import type { StoredEvent } from '../../events/store.js';
import { renderAll } from '../../projections/render.js';
import { foldView } from '../../projections/view.js';

const metadata = (at: string) => ({ session: '0001', at });
const target = (spec: string, checkpoint: string) => ({ spec, runId: '001', checkpoint, sha256: 'a'.repeat(64), argv: ['node', 'main.js'] });

function stored(events: AutopilotEvent[]): StoredEvent<AutopilotEvent>[] {
  return events.map((event, i): StoredEvent<AutopilotEvent> => ({
    seq: i + 1,
    streamId: 'session-0001',
    streamPosition: i + 1,
    schemaVersion: 1,
    createdAt: event.metadata.at,
    prevHash: '',
    hash: '',
    event,
  }));
}

const planned: AutopilotEvent = {
  type: 'EvaluationPlanned',
  data: {
    evaluationId: 'e001',
    targets: [target('001', 'runs/001/checkpoints/model_000032.json'), target('001@4', 'runs/001/checkpoints/model_000004.json')],
    metric: 'mean_reward',
    direction: 'maximize',
    seeds: { first: 1_000_000_000, count: 3, training: { count: 1, max: 1 } },
    bootstrapSeed: 42,
    by: 'command',
  },
  metadata: metadata('2026-12-07T10:00:00.000Z'),
};

describe('when the log records evaluations', () => {
  it('renders no evaluation file before the first one', () => {
    const files = renderAll(foldView([]));
    expect([...files.keys()].filter((k) => k.includes('eval'))).toEqual([]);
  });

  it('renders the journal and the record in the run folder, unfinished while it runs', () => {
    const files = renderAll(foldView(stored([planned])));
    expect(files.get('journal/evaluations.md')).toContain('## e001 — 2026-12-07 10:00:00Z — unfinished');
    expect(JSON.parse(files.get('runs/001/eval/e001.json')!)).toMatchObject({ evaluation: 'e001', status: 'unfinished', seeds: { first: 1_000_000_000, last: 1_000_000_002 } });
  });

  it('says how it failed, with the text of the log escaped', () => {
    const failed: AutopilotEvent = {
      type: 'EvaluationFailed',
      data: { evaluationId: 'e001', target: '001', reason: 'crashed', message: 'exit 3\u001b[31m red' },
      metadata: metadata('2026-12-07T10:00:05.000Z'),
    };
    const files = renderAll(foldView(stored([planned, failed])));
    const journal = files.get('journal/evaluations.md')!;
    expect(journal).toContain('failed (001), crashed: exit 3');
    expect(journal).not.toContain('\u001b');
    expect(JSON.parse(files.get('runs/001/eval/e001.json')!)).toMatchObject({ status: 'failed', failure: { reason: 'crashed' } });
  });

  it('states the paired verdict once finished, the same bytes for the same log', () => {
    const finished: AutopilotEvent = {
      type: 'EvaluationFinished',
      data: {
        evaluationId: 'e001',
        results: [
          { runId: '001', checkpoint: 'runs/001/checkpoints/model_000032.json', samples: [500, 480, 490], metrics: {}, durationMs: 10 },
          { runId: '001', checkpoint: 'runs/001/checkpoints/model_000004.json', samples: [40, 50, 45], metrics: {}, durationMs: 10 },
        ],
        paired: {
          verdict: 'improved',
          method: 'paired-bootstrap-percentile',
          direction: 'maximize',
          alpha: 0.05,
          level: 0.95,
          resamples: 10_000,
          seed: 42,
          n: 3,
          candidateMean: 490,
          baselineMean: 45,
          delta: 445,
          sdDifference: 10,
          interval: [435, 455],
        },
      },
      metadata: metadata('2026-12-07T10:00:05.000Z'),
    };
    const log = stored([planned, finished]);
    const journal = renderAll(foldView(log)).get('journal/evaluations.md')!;
    expect(journal).toContain('- 001: run 001, runs/001/checkpoints/model_000032.json (sha256 aaaaaaaaaaaa…): mean_reward mean 490');
    expect(journal).toContain('improved: 001 is better than 001@4 on mean_reward by +445 (95% paired interval [+435, +455] over 3 seeds; bootstrap seed 42, 10000 resamples)');
    expect(renderAll(foldView(log))).toEqual(renderAll(foldView(log)));
  });
});
