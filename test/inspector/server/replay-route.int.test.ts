import { beforeAll, describe, expect, it } from 'vitest';
import { replayReport } from '../../../orchestrator/replay.js';
import { cliOut, errorsOf, fromLog, useInspectedHistory } from '../../support/inspector.js';

describe('GET /api/at/:seq on an imported history (loop-3)', () => {
  const h = useInspectedHistory('loop-3');
  let lastSeq: number;
  beforeAll(async () => {
    lastSeq = ((await (await h.get('/api/meta')).json()) as { lastSeq: number }).lastSeq;
  });

  it('is what `replay --at N --json` prints, at several N, computed or cached', async () => {
    for (const seq of [1, 9, Math.floor(lastSeq / 2), lastSeq - 3, lastSeq]) {
      const expected = JSON.parse(await cliOut(h.ws, 'replay', '--at', String(seq), '--json'));
      expect(await (await h.get(`/api/at/${seq}`)).json(), `seq ${seq}`).toEqual(expected);
      expect(await (await h.get(`/api/at/${seq}`)).json(), `seq ${seq}, again`).toEqual(expected);
    }
  });

  it('answers a seq that is not one with a 400 naming the range, and one past the log with a 404 and its last seq', async () => {
    expect(await errorsOf(h.get, ['/api/at/abc', '/api/at/0', '/api/at/-3', `/api/at/${lastSeq + 1}`])).toEqual([
      ['/api/at/abc', 400, `seq "abc" is not one: give a whole number from 1 to ${lastSeq}`],
      ['/api/at/0', 400, `seq "0" is not one: give a whole number from 1 to ${lastSeq}`],
      ['/api/at/-3', 400, `seq "-3" is not one: give a whole number from 1 to ${lastSeq}`],
      [`/api/at/${lastSeq + 1}`, 404, `seq ${lastSeq + 1} is past the end of the log: its last seq is ${lastSeq}`],
    ]);
    expect(await (await h.get(`/api/at/${lastSeq + 5}`)).json()).toMatchObject({ lastSeq });
  });

  it('answers /step with the reports at N-1 and N, byte for byte, at every N in a walk back and forth', async () => {
    const expected = fromLog(h.ws, (store) =>
      Array.from({ length: lastSeq + 1 }, (_, seq) => (seq === 0 ? '' : JSON.stringify({ before: seq > 1 ? replayReport(store, seq - 1) : null, at: replayReport(store, seq) }))),
    );
    // Forward, then backward (N-1 kept from the step before), then jumps (nothing kept).
    const walk = [...Array.from({ length: lastSeq }, (_, i) => i + 1), ...Array.from({ length: lastSeq }, (_, i) => lastSeq - i), 30, 7, lastSeq, 2];
    for (const seq of walk) expect(await (await h.get(`/api/at/${seq}/step`)).text(), `step at ${seq}`).toBe(expected[seq]);
  });

  it('gives in /step what `replay --at N-1` and `--at N` print', async () => {
    const seq = lastSeq - 3;
    const [before, at] = await Promise.all([seq - 1, seq].map(async (n) => JSON.parse(await cliOut(h.ws, 'replay', '--at', String(n), '--json'))));
    expect(await (await h.get(`/api/at/${seq}/step`)).json()).toEqual({ before, at });
  });

  it('answers a /step at a seq that is not one as /api/at does', async () => {
    expect(await errorsOf(h.get, ['/api/at/abc/step', '/api/at/0/step', `/api/at/${lastSeq + 1}/step`])).toEqual([
      ['/api/at/abc/step', 400, `seq "abc" is not one: give a whole number from 1 to ${lastSeq}`],
      ['/api/at/0/step', 400, `seq "0" is not one: give a whole number from 1 to ${lastSeq}`],
      [`/api/at/${lastSeq + 1}/step`, 404, `seq ${lastSeq + 1} is past the end of the log: its last seq is ${lastSeq}`],
    ]);
  });
});
