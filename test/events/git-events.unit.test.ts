import { describe, expect, it } from 'vitest';
import { catalogueCodec } from '../../events/catalogue.js';

const metadata = { session: '0001', at: '2026-12-07T00:00:00.000Z' };
const sha = 'a'.repeat(40);

describe('the git events', () => {
  it('round-trip through the catalogue codec', () => {
    const committed = {
      type: 'RunCommitted' as const,
      data: { runId: '001', sha, branch: 'refs/heads/main', parent: null, tag: 'autopilot/run-001', files: ['a'], message: 'm\n', recovered: true as const },
      metadata,
    };
    expect(catalogueCodec.decode({ type: committed.type, schemaVersion: 1, data: committed.data, metadata })).toEqual(committed);
    const failed = { type: 'RunCommitFailed' as const, data: { runId: '001', step: 'commit' as const, message: 'no identity', hint: 'set one' }, metadata };
    expect(catalogueCodec.decode({ type: failed.type, schemaVersion: 1, data: failed.data, metadata })).toEqual(failed);
  });

  it('refuse a sha that is not a git object id, and an unknown step', () => {
    expect(() => catalogueCodec.encode({ type: 'RunCommitted', data: { runId: '001', sha: 'HEAD', branch: 'b', parent: null, tag: 't', files: [], message: 'm' }, metadata })).toThrow();
    expect(() => catalogueCodec.encode({ type: 'RunCommitFailed', data: { runId: '001', step: 'push' as 'commit', message: 'm', hint: 'h' }, metadata })).toThrow();
  });
});
