/**
 * SHA-256 of files opened without following a link: one streaming reader for every caller. The reads
 * are asynchronous, a chunk at a time, so hashing a checkpoint of many GiB never holds up the loop's
 * event loop: the other runs in flight, the timers and the inspector go on between chunks.
 */
import { closeSync, read, write } from 'node:fs';
import { createHash } from 'node:crypto';
import { openConfined } from './confined.js';

const CHUNK = 1 << 20;

const readAt = (fd: number, buf: Buffer, pos: number) => new Promise<number>((resolve, reject) => read(fd, buf, 0, buf.length, pos, (err, n) => (err ? reject(err) : resolve(n))));
const writeSome = (fd: number, bytes: Buffer, off: number) =>
  new Promise<number>((resolve, reject) => write(fd, bytes, off, bytes.length - off, null, (err, n) => (err ? reject(err) : resolve(n))));

/**
 * The sha256 of `fd` read from its start; with `size`, exactly that many bytes (null when it holds
 * more or fewer: it changed since its stat); with `out`, the bytes are also written there.
 */
export async function sha256Fd(fd: number, options: { size?: number; out?: number } = {}): Promise<string | null> {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(CHUNK);
  let pos = 0;
  for (;;) {
    const n = await readAt(fd, buf, pos);
    if (n <= 0) break;
    pos += n;
    if (options.size !== undefined && pos > options.size) return null;
    const chunk = buf.subarray(0, n);
    hash.update(chunk);
    if (options.out !== undefined) for (let off = 0; off < n;) off += await writeSome(options.out, chunk, off);
  }
  return options.size === undefined || pos === options.size ? hash.digest('hex') : null;
}

/** The sha256 of the regular file at `path` inside `root`, opened without following a link or blocking on a FIFO; null when there is none. */
export async function sha256Confined(root: string, path: string): Promise<string | null> {
  const opened = openConfined(root, path);
  if (!opened) return null;
  try {
    return await sha256Fd(opened.fd);
  } finally {
    closeSync(opened.fd);
  }
}
