import { request } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyWorkspace } from '../support/histories.js';
import { logSeqs, readSse } from '../support/sse.js';
import { CLI } from '../support/workspace.js';

type Child = ResultPromise<{ reject: false; buffer: true }>;
const children: Child[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

/** Starts `autopilot inspect` and resolves with the URL it prints first. */
async function inspect(args: string[], env: Record<string, string> = {}): Promise<{ child: Child; url: URL; stderr: () => string }> {
  const child = execa(process.execPath, [CLI, 'inspect', ...args], { reject: false, buffer: true, env }) as Child;
  children.push(child);
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const first = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    void child.then((r) => reject(new Error(`inspect exited ${r.exitCode} before printing its URL: ${err}`)));
  });
  expect(first).toMatch(/^inspector: http:\/\/[\d.]+:\d+\/(\?token=[\w-]{22})?$/);
  return { child, url: new URL(first.slice('inspector: '.length)), stderr: () => err };
}

/** A GET through node:http, which sends the `Host` header it is given. */
function get(url: URL, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject).end();
  });
}

describe('autopilot inspect (a real server, in a child process)', () => {
  let ws: string;
  beforeAll(async () => {
    ws = await historyWorkspace('loop-2');
  });

  it('--port 0 prints its URL first, answers, streams, and exits 0 on SIGTERM', async () => {
    const { child, url } = await inspect(['--workspace', ws, '--port', '0']);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.search).toBe('');
    const meta = JSON.parse((await get(url, '/api/meta')).body);
    expect(meta).toMatchObject({ workspace: ws, empty: false, lastSeq: 32 });
    const res = await fetch(new URL('/api/stream?after=29', url));
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(logSeqs(await readSse(res.body!, (m) => logSeqs(m).includes(32)))).toEqual([30, 31, 32]);
    // Refused: a name that is not the address it is bound to (DNS rebinding).
    expect((await get(url, '/api/meta', { host: `rebound.example:${url.port}` })).status).toBe(400);
    expect((await get(url, '/api/meta', { host: `localhost:${url.port}` })).status).toBe(200);
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });

  it('on --host 127.0.0.2 requires its token: 401 without, 200 with ?token=, its cookie or a bearer header', async () => {
    const { child, url } = await inspect(['--workspace', ws, '--port', '0', '--host', '127.0.0.2']);
    expect(url.hostname).toBe('127.0.0.2');
    const token = url.searchParams.get('token')!;
    const without = await get(url, '/api/meta');
    expect(without.status).toBe(401);
    expect(without.body.trim().split('\n')).toHaveLength(1);
    expect((await get(url, '/api/meta', { authorization: 'Bearer not-the-token' })).status).toBe(401);
    expect((await get(url, `/api/meta?token=${token}x`)).status).toBe(401);

    const withQuery = await get(url, `/api/meta?token=${token}`);
    expect(withQuery.status).toBe(200);
    const cookie = String(withQuery.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^ap_token=${token};`));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect((await get(url, '/api/meta', { cookie: `ap_token=${token}` })).status).toBe(200);
    expect((await get(url, '/api/events', { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await get(url, '/', { authorization: `Bearer ${token}` })).status).toBe(200);
    child.kill('SIGINT');
    expect((await child).exitCode).toBe(0);
  });

  it('reports a port in use and a host that is not an address, with a hint', async () => {
    const { child, url } = await inspect(['--workspace', ws, '--port', '0']);
    const taken = await execa('node', [CLI, 'inspect', '--workspace', ws, '--port', url.port], { reject: false, timeout: 30_000 });
    expect(taken.exitCode).toBe(1);
    expect(taken.stderr).toMatch(new RegExp(`^autopilot: port ${url.port} on 127.0.0.1 is in use; pass another --port, or --port 0`));
    const badHost = await execa('node', [CLI, 'inspect', '--workspace', ws, '--port', '0', '--host', 'not an address'], { reject: false, timeout: 30_000 });
    expect(badHost.exitCode).toBe(2);
    expect(badHost.stderr).toMatch(/--host not an address is not an IP address/);
    // TEST-NET-1 (RFC 5737): an address, but none of this machine's.
    const notHere = await execa('node', [CLI, 'inspect', '--workspace', ws, '--port', '0', '--host', '192.0.2.1'], { reject: false, timeout: 30_000 });
    expect(notHere.exitCode).toBe(2);
    expect(notHere.stderr).toMatch(/--host 192\.0\.2\.1 is not an address of this machine; use 127\.0\.0\.1/);
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });

  it('--open runs xdg-open with the URL, or says it could not when there is none', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'inspect-path-'));
    const opened = join(bin, 'opened.txt');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\necho "$1" > '${opened}'\n`, { mode: 0o755 });
    const withOpener = await inspect(['--workspace', ws, '--port', '0', '--open'], { PATH: bin });
    await expect.poll(() => existsSync(opened) && readFileSync(opened, 'utf8')).toBe(`${withOpener.url.href}\n`);
    withOpener.child.kill('SIGTERM');
    expect((await withOpener.child).exitCode).toBe(0);

    const none = mkdtempSync(join(tmpdir(), 'inspect-path-'));
    const without = await inspect(['--workspace', ws, '--port', '0', '--open'], { PATH: none });
    await expect.poll(without.stderr).toMatch(/could not open a browser \(no xdg-open on PATH\)/);
    without.child.kill('SIGTERM');
    expect((await without.child).exitCode).toBe(0);
  });
});
