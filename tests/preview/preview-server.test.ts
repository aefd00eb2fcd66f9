import { request } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PreviewSnapshot } from '../../src/server/preview-state.js';
import { startFixture, type PreviewFixture } from './preview-fixture.js';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let fixture: PreviewFixture;
let port: number;

/** A request with the path sent byte for byte: fetch would resolve `..` before sending. */
function raw(method: string, path: string, options: { readFirstChunk?: boolean; host?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers = options.host ? { Host: options.host } : undefined;
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (options.readFirstChunk && /event: state\ndata: .*\n\n/.test(body)) {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
          req.destroy();
        }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  // These tests are about HTTP only: no browser, so every layout fails fast and quietly.
  fixture = await startFixture({ launch: () => Promise.reject(new Error('no browser in this test')) });
  port = Number(new URL(fixture.preview.url).port);
  await writeFile(join(fixture.editionDir, '.secret'), 'not for the web');
  await fixture.preview.ready;
});

afterAll(async () => {
  await fixture?.close();
});

describe('preview server', () => {
  it('listens on 127.0.0.1 on a free port by default', () => {
    expect(fixture.preview.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(port).toBeGreaterThan(0);
  });

  it('answers only requests addressed to a loopback name and its own port (no DNS rebinding)', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) expect((await raw('GET', '/', { host })).status).toBe(200);
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1:${port + 1}`, '127.0.0.1', `127.0.0.1.evil.example:${port}`]) {
      const response = await raw('GET', '/_preview/state.json', { host });
      expect(response.status, host).toBe(403);
      expect(response.body).not.toContain('pages');
    }
  });

  it('serves the index, the page view shell and the state', async () => {
    expect((await raw('GET', '/')).status).toBe(200);
    expect((await raw('HEAD', '/')).status).toBe(200);
    const shell = await raw('GET', `/page/${fixture.pages[0]!.id}`);
    expect(shell.status).toBe(200);
    expect(shell.body).toContain('/_preview/page-view.js');
    const state = JSON.parse((await raw('GET', '/_preview/state.json')).body) as PreviewSnapshot;
    expect(state.pages.map((p) => p.id)).toEqual(fixture.pages.map((p) => p.id));
  });

  it('serves page documents from the print templates with versioned, immutable assets', async () => {
    const doc = await raw('GET', `/_preview/doc/${fixture.pages[0]!.id}`);
    expect(doc.status).toBe(200);
    expect(doc.body).toContain('lang="zh-Hans"');
    const css = /href="(\/assets\/[0-9a-f]+\/newspaper\.css)"/.exec(doc.body)?.[1];
    expect(css).toBeDefined();
    const asset = await raw('GET', css!);
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await raw('GET', '/_preview/doc/NOPE')).status).toBe(404);
  });

  it('opens the live-reload channel as an event stream that starts with the state', async () => {
    const res = await raw('GET', '/_preview/events', { readFirstChunk: true });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/event-stream');
    expect(res.body).toContain('event: state');
  });

  it.each([
    '/..%2f..%2fetc/passwd',
    '/%2e%2e/',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/%252e%252e/%252e%252e/etc/passwd',
    '/../../etc/passwd',
    '/edition/../edition.yaml',
    '/edition/..%2f..%2f..%2fetc/passwd',
    '/edition/%2e%2e/%2e%2e/package.json',
    '/fonts/noto-serif-sc/files/..%2f..%2fpackage.json',
    '/assets/0123456789/..%2f..%2fpreview.json',
    '/_preview/doc/..%2fA1',
    '/edition/..\\..\\package.json',
  ])('answers 404 to the traversal %s', async (path) => {
    expect((await raw('GET', path)).status).toBe(404);
  });

  it.each(['/etc/passwd', '//etc/passwd', '/edition//etc/passwd', '/edition/%2Fetc%2Fpasswd', 'http://127.0.0.1/etc/passwd', '/home', '/src/cli.ts', '/package.json'])(
    'answers 404 to the absolute or outside path %s',
    async (path) => {
      expect((await raw('GET', path)).status).toBe(404);
    },
  );

  it('does not serve dotfiles from the edition', async () => {
    expect((await raw('GET', '/edition/.secret')).status).toBe(404);
    expect((await raw('GET', '/edition/edition.yaml')).status).toBe(200);
  });

  it.each([
    ['POST', '/'],
    ['POST', '/_preview/events'],
    ['PUT', '/edition/edition.yaml'],
    ['DELETE', '/edition/edition.yaml'],
    ['PATCH', '/_preview/state.json'],
    ['OPTIONS', '/'],
    ['TRACE', '/'],
  ])('answers 405 to %s %s', async (method, path) => {
    const res = await raw(method, path);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('keeps running and reports the failed layouts instead of dying', async () => {
    await fixture.preview.builder.idle();
    const state = fixture.preview.builder.snapshot();
    expect(state.errors.some((e) => e.ruleId === 'layout-failed')).toBe(true);
    expect((await raw('GET', '/')).status).toBe(200);
  });

  it('reports a broken article with file and line, keeps its page, and recovers on the next good save', async () => {
    await fixture.preview.builder.idle();
    const page = fixture.pages.find((p) => p.files.length > 0)!;
    const path = join(fixture.editionDir, page.files[0]!);
    const good = await readFile(path, 'utf8');
    const version = () => fixture.preview.builder.snapshot().pages.find((p) => p.id === page.id)!.version;
    const before = version();
    const docBefore = (await raw('GET', `/_preview/doc/${page.id}`)).body;

    await writeFile(path, good.replace(/^title:.*$/m, 'title: [unclosed'));
    await vi.waitFor(() => expect(fixture.preview.builder.snapshot().errors.some((e) => e.file.endsWith(page.files[0]!))).toBe(true), { timeout: 20_000, interval: 50 });
    const error = fixture.preview.builder.snapshot().errors.find((e) => e.file.endsWith(page.files[0]!))!;
    expect(error.line).toBeGreaterThan(0);
    expect(version()).toBe(before);
    expect((await raw('GET', `/_preview/doc/${page.id}`)).body).toBe(docBefore);
    expect(fixture.log.some((line) => line.includes(page.files[0]!))).toBe(true);

    await writeFile(path, good);
    await vi.waitFor(() => expect(fixture.preview.builder.snapshot().errors.some((e) => e.file.endsWith(page.files[0]!))).toBe(false), { timeout: 20_000, interval: 50 });
    expect((await raw('GET', '/')).status).toBe(200);
  });
});
