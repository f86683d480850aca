/** Splits a byte stream into text lines with bounded memory, however long a line is. */
import { Observable } from 'rxjs';
import type { Readable } from 'node:stream';

/** Longest line kept whole; the rest of a longer line is dropped (the raw log still has it). */
export const MAX_LINE_CHARS = 64 * 1024;

/** Emits each complete line of the given streams (truncated to MAX_LINE_CHARS), completing when all end. */
export function linesOf(streams: Readable[], onChunk?: (chunk: Buffer) => void): Observable<string> {
  return new Observable<string>((subscriber) => {
    let open = streams.length;
    const cleanups: (() => void)[] = [];
    for (const stream of streams) {
      let partial = '';
      let overflow = false;
      const onData = (chunk: Buffer) => {
        onChunk?.(chunk);
        let text = chunk.toString('utf8');
        let nl = text.indexOf('\n');
        while (nl !== -1) {
          if (!overflow) partial += text.slice(0, nl);
          subscriber.next(partial.slice(0, MAX_LINE_CHARS));
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
      const onEnd = () => {
        if (partial.length > 0) subscriber.next(partial);
        partial = '';
        if (--open === 0) subscriber.complete();
      };
      stream.on('data', onData);
      stream.once('end', onEnd);
      stream.once('error', onEnd);
      cleanups.push(() => {
        stream.off('data', onData);
        stream.off('end', onEnd);
        stream.off('error', onEnd);
      });
    }
    if (open === 0) subscriber.complete();
    return () => cleanups.forEach((c) => c());
  });
}
