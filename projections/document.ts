/**
 * A text document kept as its segments (a head, then one segment per line or section), so a writer
 * can put on disk only what changed: everything before the first changed segment stays as written,
 * the rest is the new tail. An append-only document (the labbook) only ever gets a tail appended.
 * Pure; byte counts are UTF-8, as the files are written.
 */
import { utf8Length } from '../domain/text/strict-json.js';

/** A document as segments, with what changed since it was last written. */
export interface SegmentDoc {
  segments: string[];
  /** UTF-8 length of each segment. */
  bytes: number[];
  /** UTF-8 length of the whole document. */
  total: number;
  /** Index of the first segment changed since {@link markWritten} (segments.length: none). */
  dirtyFrom: number;
}

/** What to write to bring the file last written in step with the document. */
export interface DocPatch {
  /** Bytes of the file as last written that stay (the file is at least this long). */
  keep: number;
  /** What follows them (empty when the document only shrank). */
  tail: string;
  /** UTF-8 length of the whole document. */
  length: number;
}

/** A document holding only `head`, all of it unwritten. */
export function emptyDoc(head: string): SegmentDoc {
  return { segments: [head], bytes: [utf8Length(head)], total: utf8Length(head), dirtyFrom: 0 };
}

/** Sets segment `i` (at most one past the last) to `text`; marks it changed unless it already holds `text`. */
export function setSegment(doc: SegmentDoc, i: number, text: string): void {
  if (i > doc.segments.length) throw new RangeError(`segment ${i} of a document of ${doc.segments.length}`);
  if (i < doc.segments.length && doc.segments[i] === text) return;
  const n = utf8Length(text);
  doc.total += n - (doc.bytes[i] ?? 0);
  doc.segments[i] = text;
  doc.bytes[i] = n;
  if (i < doc.dirtyFrom) doc.dirtyFrom = i;
}

/** The whole document's text. */
export function docText(doc: SegmentDoc): string {
  return doc.segments.join('');
}

/** What changed since the document was last written; null when nothing did. */
export function docPatch(doc: SegmentDoc): DocPatch | null {
  if (doc.dirtyFrom >= doc.segments.length) return null;
  let tailBytes = 0;
  for (let i = doc.dirtyFrom; i < doc.segments.length; i++) tailBytes += doc.bytes[i]!;
  return { keep: doc.total - tailBytes, tail: doc.segments.slice(doc.dirtyFrom).join(''), length: doc.total };
}

/** Records that the document as it stands is what the file holds. */
export function markWritten(doc: SegmentDoc): void {
  doc.dirtyFrom = doc.segments.length;
}
