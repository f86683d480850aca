import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { hostCheck, hostsFor, newToken, securityHeaders, tokenCheck } from '../../../inspector/server/security.js';

function guarded(token: string | undefined, hosts: readonly string[] | null = null) {
  const app = new Hono();
  app.use('*', securityHeaders());
  app.use(
    '*',
    hostCheck(() => hosts),
  );
  app.use('*', tokenCheck(token));
  app.get('/x', (c) => c.text('ok'));
  return app;
}

describe('the inspector guards', () => {
  it('answer to the bound address only, and to localhost too on 127.0.0.1; anything on a wildcard bind', () => {
    expect(hostsFor('127.0.0.1', 7444)).toEqual(['127.0.0.1:7444', 'localhost:7444']);
    expect(hostsFor('127.0.0.2', 80)).toEqual(['127.0.0.2:80']);
    expect(hostsFor('::1', 9000)).toEqual(['[::1]:9000']);
    expect(hostsFor('0.0.0.0', 1)).toBeNull();
    expect(hostsFor('::', 1)).toBeNull();
  });

  it('refuse another Host, whatever its case, and let the bound one through', async () => {
    const app = guarded(undefined, ['127.0.0.1:7444']);
    expect((await app.request('http://x/x', { headers: { host: '127.0.0.1:7444' } })).status).toBe(200);
    expect((await app.request('http://x/x', { headers: { host: '127.0.0.1:7445' } })).status).toBe(400);
    expect((await app.request('http://x/x', { headers: { host: 'EVIL.example:7444' } })).status).toBe(400);
  });

  it('make fresh 128-bit tokens', () => {
    const tokens = new Set(Array.from({ length: 50 }, newToken));
    expect(tokens.size).toBe(50);
    for (const t of tokens) expect(Buffer.from(t, 'base64url')).toHaveLength(16);
  });

  it('ask nothing without a token, and with one accept it only as ?token=, the cookie it sets, or a bearer header', async () => {
    expect((await guarded(undefined).request('http://x/x')).status).toBe(200);
    const app = guarded('s3cret');
    const missing = await app.request('http://x/x');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
    const wrongs: Record<string, string>[] = [{ authorization: 'Bearer s3cre' }, { authorization: 's3cret' }, { cookie: 'ap_token=s3cretx' }, { cookie: 'other=s3cret' }];
    for (const wrong of wrongs) expect((await app.request('http://x/x', { headers: wrong })).status, JSON.stringify(wrong)).toBe(401);
    expect((await app.request('http://x/x?token=nope')).status).toBe(401);
    const byQuery = await app.request('http://x/x?token=s3cret');
    expect(byQuery.status).toBe(200);
    expect(byQuery.headers.get('set-cookie')).toBe('ap_token=s3cret; Path=/; HttpOnly; SameSite=Strict');
    expect((await app.request('http://x/x', { headers: { cookie: 'ap_token=s3cret' } })).status).toBe(200);
    expect((await app.request('http://x/x', { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
  });
});
