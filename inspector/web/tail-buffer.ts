/** The live tail's memory: events by seq, each once, in order, the newest `cap` kept. Pure. */

/** One line of the tail: a log event as `/api/stream` sends it (`autopilot events --json`'s row). */
export interface TailEvent {
  seq: number;
  stream: string;
  type: string;
  at: string;
  data: unknown;
}

/** Keeps what the stream sent, dropping any seq at or below the last one kept (a resend after a reconnect). */
export class TailBuffer {
  readonly events: TailEvent[] = [];
  last = 0;
  constructor(private readonly cap = 2000) {}

  /** Adds `e` unless its seq was seen; true when it was added. */
  add(e: TailEvent): boolean {
    if (!Number.isSafeInteger(e.seq) || e.seq <= this.last) return false;
    this.last = e.seq;
    this.events.push(e);
    if (this.events.length > this.cap) this.events.splice(0, this.events.length - this.cap);
    return true;
  }
}

/** Parses one `log` message's data; null when it is not an event row. */
export function parseTailEvent(data: string): TailEvent | null {
  try {
    const v = JSON.parse(data) as Partial<TailEvent>;
    return typeof v.seq === 'number' && typeof v.type === 'string' ? { seq: v.seq, stream: String(v.stream ?? ''), type: v.type, at: String(v.at ?? ''), data: v.data } : null;
  } catch {
    return null;
  }
}
