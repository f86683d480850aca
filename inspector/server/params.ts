/**
 * The data routes' answers to a bad request: a 400 naming what is allowed, a 404 for what the log
 * does not hold. JSON with one `error` line, so the page can show it as it is.
 */

/** The JSON error answer: `{error, ...extra}` with `status`. */
export function apiError(status: 400 | 404, error: string, extra: Record<string, unknown> = {}): Response {
  return new Response(`${JSON.stringify({ error, ...extra })}\n`, { status, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' } });
}

/** A whole number of at most 15 digits (a seq, an attempt), or null. */
export function wholeNumber(text: string | undefined): number | null {
  return text !== undefined && /^\d{1,15}$/.test(text) ? Number(text) : null;
}

/** What a route's `:id` may be: a run id (`007`), or its number (`7`), as `autopilot audit` takes it. */
export const RUN_ID_PATTERN = /^\d{1,9}$/;

/** What `?session=` may be: a session id (`0001`). */
export const SESSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
