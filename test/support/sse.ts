/** Reading a server-sent event stream in tests: the messages of a fetch Response's body, as they come. */

/** One server-sent message (a comment is kept as `comment`). */
export interface SseMessage {
  event?: string;
  id?: string;
  data?: string;
  comment?: string;
}

/** Parses one block (the text between blank lines) of an event stream. */
export function parseSseBlock(block: string): SseMessage {
  const message: SseMessage = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) message.comment = line.slice(1).trim();
    const m = /^(event|id|data): ?(.*)$/.exec(line);
    if (m) message[m[1] as 'event' | 'id' | 'data'] = m[1] === 'data' && message.data !== undefined ? `${message.data}\n${m[2]}` : m[2];
  }
  return message;
}

/**
 * Reads `body` until `done` says so (given every message so far) or `timeoutMs` passes, then
 * cancels it (the server sees the client go away); returns the messages read.
 */
export async function readSse(body: ReadableStream<Uint8Array>, done: (messages: SseMessage[]) => boolean, timeoutMs = 20_000): Promise<SseMessage[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const messages: SseMessage[] = [];
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  try {
    while (!done(messages)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no end of stream in ${timeoutMs} ms; read ${messages.length} message(s): ${JSON.stringify(messages.slice(-3))}`);
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([reader.read(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`stream silent for ${timeoutMs} ms`)), left)))]).finally(
        () => clearTimeout(timer),
      );
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        messages.push(parseSseBlock(buffer.slice(0, end)));
        buffer = buffer.slice(end + 2);
      }
    }
    return messages;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** The seqs of the `log` messages, in the order received. */
export const logSeqs = (messages: SseMessage[]) => messages.filter((m) => m.event === 'log').map((m) => Number(m.id));
