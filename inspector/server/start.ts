/** Serves the inspector app on a socket: 127.0.0.1 by default; any other host requires a fresh token. */
import { isIP } from 'node:net';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { AutopilotError, UsageError } from '../../domain/errors.js';
import { createInspectorApp, type InspectorApp } from './app.js';
import { hostsFor, newToken } from './security.js';

/** The host the inspector binds to unless told otherwise: loopback only, and then no token. */
export const DEFAULT_HOST = '127.0.0.1';

/** A running inspector. */
export interface RunningInspector {
  /** The URL to open, with `?token=` when the server needs one. */
  url: string;
  host: string;
  port: number;
  token: string | undefined;
  /** Stops listening, ends the open streams and closes the log. */
  close(): Promise<void>;
}

/** The URL of a server at host:port, carrying the token when there is one. */
export function inspectorUrl(host: string, port: number, token: string | undefined): string {
  const name = host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}/${token === undefined ? '' : `?token=${token}`}`;
}

// What a listen error means to the person who ran the command.
function listenError(error: NodeJS.ErrnoException, host: string, port: number): AutopilotError {
  if (error.code === 'EADDRINUSE') return new AutopilotError('failed', `port ${port} on ${host} is in use`, { hint: 'pass another --port, or --port 0 for a free one' });
  if (error.code === 'EADDRNOTAVAIL')
    return new UsageError(`--host ${host} is not an address of this machine`, { key: '--host', hint: `use ${DEFAULT_HOST} (the default), or an address this machine has` });
  if (error.code === 'EACCES') return new AutopilotError('failed', `not allowed to listen on port ${port}`, { hint: 'use a port above 1023, or --port 0' });
  return new AutopilotError('failed', `cannot listen on ${host}:${port}: ${error.message}`);
}

/** Whether `host` is a loopback address (127.0.0.0/8 or ::1). */
export function isLoopback(host: string): boolean {
  return host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

// Opens the log and folds the runs table; a failure here is the first request's to report.
function warm(inspector: InspectorApp): void {
  try {
    const store = inspector.source.current();
    if (store) inspector.caches.rows.update(store);
  } catch {
    // The request that needs the log gets the error, with its route's context.
  }
}

/**
 * Starts the inspector on `host`:`port` (port 0: a free one) and resolves once it listens. A host
 * other than 127.0.0.1 gets a 128-bit token, which the returned URL carries.
 * @throws UsageError for a host that is not an IP address of this machine; AutopilotError when the port is taken.
 */
export async function startInspector(o: { workspace: string; port: number; host?: string; token?: string }): Promise<RunningInspector> {
  const host = o.host ?? DEFAULT_HOST;
  if (isIP(host) === 0) throw new UsageError(`--host ${host} is not an IP address`, { key: '--host', hint: `give an address such as ${DEFAULT_HOST} (the default) or 0.0.0.0` });
  const token = o.token ?? (host === DEFAULT_HOST ? undefined : newToken());
  let bound = o.port;
  // Over loopback nothing is gained by gzip: a 10,000-run table takes 140 ms to compress and no time to send.
  const inspector = createInspectorApp({ workspace: o.workspace, allowedHosts: () => hostsFor(host, bound), compress: !isLoopback(host), ...(token !== undefined ? { token } : {}) });
  // A stale or missing stored layout starts its worker now, so the page's first request likely finds it done.
  inspector.caches.layout.current();
  let server: ServerType | undefined;
  try {
    server = await new Promise<ServerType>((resolve, reject) => {
      const s = serve({ fetch: inspector.app.fetch, port: o.port, hostname: host }, (info: AddressInfo) => {
        bound = info.port;
        s.off('error', reject);
        resolve(s);
      });
      s.once('error', (e: NodeJS.ErrnoException) => reject(listenError(e, host, o.port)));
    });
  } catch (error) {
    inspector.close();
    throw error;
  }
  const listening = server;
  // Read the log and fold the runs table now, while the browser is still loading the page, not on its first request.
  const warming = setImmediate(() => warm(inspector));
  return {
    url: inspectorUrl(host, bound, token),
    host,
    port: bound,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        // Open event streams never end on their own: cut them, then wait for the socket to close.
        clearImmediate(warming);
        if ('closeAllConnections' in listening) listening.closeAllConnections();
        listening.close(() => {
          inspector.close();
          resolve();
        });
      }),
  };
}
