/** The page's reads of the inspector's API (same origin, relative URLs, so the token cookie goes along). */
import type { RunAudit } from '../../projections/audit/steps.js';
import type { CurveResponse, EventRow, MetaResponse, ParamsResponse, ReplayReport, ReplayStepResponse, RunsResponse, StatechartResponse, TimeTravelStepData } from '../api.js';
import { embeddedAnswer, embeddedExport } from './embedded.js';

/** An answer that was not 2xx, with the server's text. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    text: string,
  ) {
    super(`${status}: ${text.trim()}`);
  }
}

/** The message of an error body: the server's `{"error": "…"}` JSON, else the text as sent (a 401 or 404 is plain text). */
export function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed && typeof parsed === 'object' && typeof (parsed as { error?: unknown }).error === 'string') return (parsed as { error: string }).error;
  } catch {
    // Not JSON: shown as it is.
  }
  return body;
}

async function get(path: string, signal?: AbortSignal): Promise<Response> {
  // A static export answers from the data embedded in the page and makes no request.
  const data = embeddedExport();
  const res = data ? embeddedAnswer(data, path) : await fetch(path, { signal: signal ?? null, credentials: 'same-origin' });
  if (!res.ok) throw new HttpError(res.status, errorText(await res.text()));
  return res;
}

/** The journal files' text (null: absent). */
export interface LabbookResponse {
  labbook: string | null;
  notes: string | null;
  problems: string[];
}

export const api = {
  meta: async (): Promise<MetaResponse> => (await get('api/meta')).json() as Promise<MetaResponse>,
  runs: async (): Promise<RunsResponse> => (await get('api/runs')).json() as Promise<RunsResponse>,
  curve: async (id: string): Promise<CurveResponse> => (await get(`api/runs/${encodeURIComponent(id)}/curve`)).json() as Promise<CurveResponse>,
  statechart: async (session?: string): Promise<StatechartResponse> =>
    (await get(`api/statechart${session ? `?session=${encodeURIComponent(session)}` : ''}`)).json() as Promise<StatechartResponse>,
  params: async (): Promise<ParamsResponse> => (await get('api/params')).json() as Promise<ParamsResponse>,
  /** `autopilot replay --at SEQ --json`'s report: the machine and the view right after event `seq`. */
  replay: async (seq: number, signal?: AbortSignal): Promise<ReplayReport> => (await get(`api/at/${seq}`, signal)).json() as Promise<ReplayReport>,
  /**
   * Time travel to `seq`: its replay report, its event's payload and the runs as of it, read side by
   * side; with `withBefore`, seq-1's report too, folded with seq's by `/step` (where that route is not
   * to be had, as in a static export, `before` is undefined).
   */
  at: async (seq: number, signal?: AbortSignal, withBefore = false): Promise<TimeTravelStepData> => {
    const json = async <T>(path: string): Promise<T> => (await get(path, signal)).json() as Promise<T>;
    const reports = withBefore
      ? json<ReplayStepResponse>(`api/at/${seq}/step`).catch(async (e: unknown) => {
          if (!(e instanceof HttpError && e.status === 404)) throw e;
          return { before: undefined, at: await json<ReplayReport>(`api/at/${seq}`) };
        })
      : json<ReplayReport>(`api/at/${seq}`).then((at) => ({ before: undefined, at }));
    // A static export holds the reports and the runs but not every event's row: no payload there, rather than no view.
    const payload = json<{ events: EventRow[] }>(`api/events?from=${seq}&limit=1`).then(
      (page) => (page.events[0]?.seq === seq ? { data: page.events[0].data } : null),
      (e: unknown) => (e instanceof HttpError && e.status === 404 ? null : Promise.reject(e as Error)),
    );
    const [{ before, at: report }, event, runs] = await Promise.all([reports, payload, json<RunsResponse>(`api/runs?at=${seq}`)]);
    return { seq, report, before, payload: event, runs };
  },
  labbook: async (): Promise<LabbookResponse> => (await get('api/labbook')).json() as Promise<LabbookResponse>,
  /** A run's audit as `autopilot audit` prints it: the route's text, or its JSON (`{text}`, `{audit}` or the audit) rendered, or the JSON indented. */
  audit: async (id: string): Promise<string> => {
    const res = await get(`api/runs/${encodeURIComponent(id)}/audit`);
    if (!(res.headers.get('content-type') ?? '').includes('json')) return res.text();
    const body = (await res.json()) as { text?: unknown; audit?: RunAudit; steps?: unknown } | null;
    if (typeof body?.text === 'string') return body.text;
    // The renderer pulls in the event catalogue (~200 KB): loaded only when an audit comes as data.
    const audit = body?.audit ?? (Array.isArray(body?.steps) ? (body as RunAudit) : null);
    if (audit) return (await import('../../projections/audit/render.js')).renderAudit(audit);
    return JSON.stringify(body, null, 2);
  },
};
