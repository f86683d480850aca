/** SHA-256 of files opened without following a link: one streaming reader for every caller. */
import { closeSync, readSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { openConfined } from './confined.js';

const CHUNK = 1 << 20;

/**
 * The sha256 of `fd` read from its start; with `size`, exactly that many bytes (null when it holds
 * more or fewer: it changed since its stat); with `out`, the bytes are also written there.
 */
export function sha256Fd(fd: number, options: { size?: number; out?: number } = {}): string | null {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(CHUNK);
  let pos = 0;
  for (;;) {
    const n = readSync(fd, buf, 0, CHUNK, pos);
    if (n <= 0) break;
    pos += n;
    if (options.size !== undefined && pos > options.size) return null;
    hash.update(buf.subarray(0, n));
    if (options.out !== undefined) writeAll(options.out, buf.subarray(0, n));
  }
  return options.size === undefined || pos === options.size ? hash.digest('hex') : null;
}

/** The sha256 of the regular file at `path` inside `root`, opened without following a link or blocking on a FIFO; null when there is none. */
export function sha256Confined(root: string, path: string): string | null {
  const opened = openConfined(root, path);
  if (!opened) return null;
  try {
    return sha256Fd(opened.fd);
  } finally {
    closeSync(opened.fd);
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off);
}
