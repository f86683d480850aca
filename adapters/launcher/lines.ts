/** Splits a byte stream into text lines with bounded memory, however long a line is. */
import { StringDecoder } from 'node:string_decoder';

/** Longest line kept whole; the rest of a longer line is dropped (the raw log still has it). */
export const MAX_LINE_CHARS = 64 * 1024;

/** A push-based line splitter: feed chunks, get complete lines (truncated to MAX_LINE_CHARS). */
export interface LineSplitter {
  push(chunk: Buffer): void;
  /** Flushes a final unterminated line. */
  end(): void;
}

/** Creates a line splitter that calls `onLine` for every line. */
export function createLineSplitter(onLine: (line: string) => void): LineSplitter {
  let partial = '';
  let overflow = false;
  // Keeps a multi-byte character that straddles two chunks whole.
  const decoder = new StringDecoder('utf8');
  const feed = (text: string) => {
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      if (!overflow) partial += text.slice(0, nl);
      onLine(partial.slice(0, MAX_LINE_CHARS));
      partial = '';
      overflow = false;
      text = text.slice(nl + 1);
      nl = text.indexOf('\n');
    }
    if (!overflow) {
      partial += text;
      if (partial.length > MAX_LINE_CHARS) {
        partial = partial.slice(0, MAX_LINE_CHARS);
        overflow = true;
      }
    }
  };
  return {
    push: (chunk) => feed(decoder.write(chunk)),
    end() {
      feed(decoder.end());
      if (partial.length > 0) onLine(partial);
      partial = '';
      overflow = false;
    },
  };
}
