import { describe, expect, it } from 'vitest';
import { apiError, RUN_ID_PATTERN, SESSION_PATTERN, wholeNumber } from '../../../inspector/server/params.js';

describe("the data routes' parameters", () => {
  it('take a whole number of digits only', () => {
    expect(['0', '12', '007', '999999999999999'].map(wholeNumber)).toEqual([0, 12, 7, 999999999999999]);
    expect([undefined, '', '-1', '1.5', '1e3', ' 1', '0x10', '1234567890123456'].map(wholeNumber)).toEqual(Array(8).fill(null));
  });

  it('take run ids as digits, and session ids without a path separator', () => {
    expect(['007', '7', '123456789'].every((id) => RUN_ID_PATTERN.test(id))).toBe(true);
    expect(['', 'abc', '1234567890', '../1'].some((id) => RUN_ID_PATTERN.test(id))).toBe(false);
    expect(['0001', 'a.b_c-1'].every((s) => SESSION_PATTERN.test(s))).toBe(true);
    expect(['', '../x', 'a/b', '.hidden', 'x'.repeat(65)].some((s) => SESSION_PATTERN.test(s))).toBe(false);
  });

  it('answer an error as one JSON line with its status', async () => {
    const r = apiError(404, 'no run 009', { lastSeq: 3 });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
    const text = await r.text();
    expect(text.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(text)).toEqual({ error: 'no run 009', lastSeq: 3 });
  });
});
