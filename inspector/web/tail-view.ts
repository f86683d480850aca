/**
 * The live tail: the log as `/api/stream` sends it, newest last. Pausing closes the stream; resuming
 * opens a new one after the last seq shown, and any seq already shown is dropped, so nothing is lost
 * or shown twice.
 */
import { el, replace } from './dom.js';
import { embeddedExport, embeddedTail, staticNote } from './embedded.js';
import { parseMachineRecord, type MachineRecord } from './statechart-live.js';
import { parseTailEvent, TailBuffer, type TailEvent } from './tail-buffer.js';

/** Events shown at most (older ones leave the list). */
const SHOWN = 1000;
/** How many events before the log's end the tail starts with. */
const BACKLOG = 200;

function line(e: TailEvent): HTMLElement {
  const data = JSON.stringify(e.data) ?? '';
  return el(
    'li',
    { 'data-seq': String(e.seq) },
    el('span', { class: 'seq' }, String(e.seq)),
    el('span', { class: 'at' }, e.at.slice(11, 23)),
    el('span', { class: 'type' }, e.type),
    el('span', { class: 'stream' }, e.stream),
    el('span', { class: 'data' }, data.length > 240 ? `${data.slice(0, 240)}…` : data),
  );
}

/** The tail: one stream for the page's life, drawn into whatever host it is shown in. */
export class LiveTail {
  private readonly buffer = new TailBuffer(SHOWN);
  private source: EventSource | null = null;
  private readonly list = el('ol', { class: 'tail', 'data-testid': 'tail' });
  private readonly state = el('span', { class: 'muted', 'data-testid': 'tail-state' }, 'connecting…');
  private readonly button = el('button', { type: 'button', 'data-testid': 'tail-pause' }, 'pause');
  /** Called on each new event (the runs table refreshes on them). */
  onEvent: (e: TailEvent) => void = () => {};
  /** Called on each live machine record of a running loop (SSE `machine`; the statechart moves with them). */
  onMachine: (record: MachineRecord) => void = () => {};

  constructor(private readonly lastSeq: number) {
    this.button.addEventListener('click', () => (this.source ? this.pause() : this.resume()));
  }

  /** Opens the stream (if it is not open) after the last seq seen, or the backlog's start. */
  resume(): void {
    if (this.source) return;
    const data = embeddedExport();
    if (data) {
      // A static export has no server to stream from: it shows the log's last events as exported.
      this.state.textContent = staticNote(data);
      this.button.disabled = true;
      for (const row of embeddedTail(data)) this.receive(JSON.stringify(row));
      return;
    }
    const after = this.buffer.last || Math.max(0, this.lastSeq - BACKLOG);
    const es = new EventSource(`api/stream?after=${after}`);
    this.source = es;
    this.button.textContent = 'pause';
    es.addEventListener('open', () => (this.state.textContent = 'live'));
    es.addEventListener('error', () => (this.state.textContent = es.readyState === EventSource.CLOSED ? 'disconnected' : 'reconnecting…'));
    es.addEventListener('log', (m) => this.receive((m as MessageEvent<string>).data));
    es.addEventListener('machine', (m) => {
      const record = parseMachineRecord((m as MessageEvent<string>).data);
      if (record) this.onMachine(record);
    });
  }

  /** Closes the stream; what arrives meanwhile is read on resume. */
  pause(): void {
    this.source?.close();
    this.source = null;
    this.button.textContent = 'resume';
    this.state.textContent = 'paused';
  }

  private receive(data: string): void {
    const e = parseTailEvent(data);
    if (!e || !this.buffer.add(e)) return;
    const stick = this.list.scrollTop + this.list.clientHeight >= this.list.scrollHeight - 4;
    this.list.append(line(e));
    while (this.list.childElementCount > SHOWN) this.list.firstElementChild!.remove();
    if (stick) this.list.scrollTop = this.list.scrollHeight;
    this.onEvent(e);
  }

  /** Shows the tail in `host`. */
  render(host: HTMLElement): void {
    replace(host, el('div', { class: 'toolbar' }, el('strong', {}, 'Live tail'), this.button, this.state), this.list);
    this.list.scrollTop = this.list.scrollHeight;
  }
}
