/**
 * The data of a static export (`autopilot inspect --export`): the answers the page's GETs would
 * get from the server, embedded in `<script type="application/json" id="ap-data">`. When that
 * element is there, the page reads from it and makes no request at all.
 */
import { EMBEDDED_DATA_ID, type EmbeddedExport } from '../api.js';

/** The export's data from its JSON text; null when there is none (a live page). Throws on a malformed export. */
export function parseEmbedded(text: string | null | undefined): EmbeddedExport | null {
  if (text === null || text === undefined || text.trim() === '') return null;
  const data = JSON.parse(text) as Partial<EmbeddedExport>;
  if (data.format !== 'autopilot-inspector-export/1' || typeof data.answers !== 'object' || data.answers === null)
    throw new Error(`#${EMBEDDED_DATA_ID} holds no autopilot-inspector-export/1 data`);
  return data as EmbeddedExport;
}

let cached: EmbeddedExport | null | undefined;

/** This page's export data (read once), or null on a live page. */
export function embeddedExport(): EmbeddedExport | null {
  if (cached === undefined) cached = typeof document === 'undefined' ? null : parseEmbedded(document.getElementById(EMBEDDED_DATA_ID)?.textContent);
  return cached;
}

/**
 * The answer to GET `path` from an export, as the server gave it: a JSON or text body with its
 * status; a path the export does not hold answers 404 with a message saying so.
 */
export function embeddedAnswer(data: EmbeddedExport, path: string): Response {
  const answer = Object.prototype.hasOwnProperty.call(data.answers, path) ? data.answers[path] : undefined;
  if (answer === undefined) {
    const left = data.omitted.length > 0 ? ` (left out of it: ${data.omitted.join('; ')})` : '';
    return new Response(`${path} is not in this export of ${data.exportedAt}: a static export holds only what was written into it${left}`, {
      status: 404,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  }
  if ('text' in answer) return new Response(answer.text, { status: answer.status, headers: { 'Content-Type': answer.type } });
  return new Response(JSON.stringify(answer.json), { status: answer.status, headers: { 'Content-Type': 'application/json; charset=utf-8' } });
}

/** What the live tail says instead of connecting, in an export. */
export function staticNote(data: EmbeddedExport): string {
  return `static export of ${data.exportedAt}, no live updates`;
}

/** The events of the page the tail shows in an export (the log's last ones), as `/api/events` gave them. */
export function embeddedTail(data: EmbeddedExport): unknown[] {
  const answer = data.tail === null ? undefined : data.answers[data.tail];
  const events = answer && 'json' in answer ? (answer.json as { events?: unknown }).events : undefined;
  return Array.isArray(events) ? events : [];
}

/** In an export, puts a line at the top of the page saying so and what was left out; nothing on a live page. */
export function showExportNote(body: HTMLElement = document.body): void {
  const data = embeddedExport();
  if (!data) return;
  const note = document.createElement('p');
  note.className = 'muted export-note';
  note.dataset['testid'] = 'export-note';
  note.style.cssText = 'margin:0;padding:4px 16px;background:#fff8e1;font-size:13px';
  note.textContent = `${staticNote(data)}${data.omitted.length > 0 ? ` · left out: ${data.omitted.join('; ')}` : ''}`;
  body.prepend(note);
}
