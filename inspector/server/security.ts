/**
 * The inspector's guards: the security headers on every answer, the `Host` check (a page on another
 * site that rebinds its name to 127.0.0.1 must not read the log), and the token a server bound
 * anywhere but 127.0.0.1 requires.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

/** The cookie that carries the token once a `?token=` URL was opened (EventSource cannot send headers). */
export const TOKEN_COOKIE = 'ap_token';

/** Only the page's own origin: no outside script, style, image or connection. */
export const CONTENT_SECURITY_POLICY = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'";

/** A fresh 128-bit token, URL-safe. */
export function newToken(): string {
  return randomBytes(16).toString('base64url');
}

// Digests of equal length, so the comparison takes the same time whatever was given.
function sameToken(given: string, token: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** Sets the security headers on every answer. */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
  };
}

/** The `Host` values a server bound to `host`:`port` answers to: none to check (null) when bound to every interface. */
export function hostsFor(host: string, port: number): string[] | null {
  if (host === '0.0.0.0' || host === '::') return null;
  const name = host.includes(':') ? `[${host}]` : host;
  return host === '127.0.0.1' ? [`${name}:${port}`, `localhost:${port}`] : [`${name}:${port}`];
}

const refuse = (status: 400 | 401, reason: string) => new Response(`${reason}\n`, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });

/** Refuses a request whose `Host` is not one the server is bound to (DNS rebinding). */
export function hostCheck(allowed: () => readonly string[] | null): MiddlewareHandler {
  return async (c, next) => {
    const hosts = allowed();
    const given = (c.req.header('host') ?? new URL(c.req.url).host).toLowerCase();
    if (hosts !== null && !hosts.includes(given)) return refuse(400, `inspector: Host ${JSON.stringify(given)} is not the address this server is bound to`);
    await next();
  };
}

/**
 * Requires `token` (when there is one) as `?token=` (then set as an HttpOnly, SameSite=Strict
 * cookie), as that cookie, or as `Authorization: Bearer`; anything else is a 401.
 */
export function tokenCheck(token: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (token === undefined) return next();
    const query = c.req.query('token');
    const bearer = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    const cookie = getCookie(c, TOKEN_COOKIE);
    if (query !== undefined && sameToken(query, token)) {
      setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      return next();
    }
    if ((bearer !== undefined && sameToken(bearer, token)) || (cookie !== undefined && sameToken(cookie, token))) return next();
    return refuse(401, 'inspector: this server needs its token: open the URL it printed (with ?token=), or send Authorization: Bearer TOKEN');
  };
}
