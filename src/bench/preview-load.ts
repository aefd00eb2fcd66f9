import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../util/package-root.js';
import type { PreviewSnapshot } from '../server/preview-state.js';
import { articleOf, withMarker } from './edit-article.js';

/**
 * The preview under load: `presswork preview` as its own process, N clients on its
 * live-reload channel (as N open tabs: each keeps the latest state and fetches its page's
 * document whenever that page's version changes), and S saves of one article in quick
 * succession. Measures whether the server stays up with no unhandled rejection, whether
 * its memory comes back to within 20 % of where it started, and whether every client ends
 * on the last saved state. Loopback only; bounded in clients, saves and time.
 */

export interface PreviewLoadOptions {
  edition: string;
  clients: number;
  saves: number;
  /** Milliseconds between saves. */
  saveEveryMs: number;
  /** Page whose first article is saved. */
  page: string;
  /** Longest wait for the server to settle, before and after the load. */
  settleMs: number;
  /** Longest wait, after the load, for the server's memory to come back within 20 % of its start. */
  memoryWaitMs: number;
}

export interface PreviewLoadResult {
  clients: number;
  saves: number;
  savingMs: number;
  /** From the last save until every client had the last state (and its page, the last text). */
  convergedMs: number | null;
  /** Clients whose last state and page document are the last save's. */
  clientsOnLastState: number;
  documentsFetched: number;
  rssStartMb: number;
  rssPeakMb: number;
  rssEndMb: number;
  /** End RSS over start RSS of the server process. */
  memoryRatio: number;
  /** How long after the load its memory was back within 20 % (null: not within memoryWaitMs). */
  memoryBackMs: number | null;
  /** The server was still running when the load ended and stopped cleanly when asked. */
  serverSurvived: boolean;
  unhandled: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

function getText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** One open tab: the live-reload stream, the latest state, the latest document of its page. */
function openClient(origin: string, page: string) {
  const client = { generation: -1, version: -1, doc: '', fetches: 0, errors: 0, close: () => undefined as void };
  let fetching: Promise<void> = Promise.resolve();
  const request = get(`${origin}/_preview/events`, (res: IncomingMessage) => {
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(event)?.[1];
        if (!/^event: state$/m.test(event) || !data) continue;
        const snapshot = JSON.parse(data) as PreviewSnapshot;
        client.generation = snapshot.generation;
        const version = snapshot.pages.find((p) => p.id === page)?.version ?? -1;
        if (version !== client.version) {
          client.version = version;
          // In order, as a tab reloads its frame: the last fetch is of the last version.
          fetching = fetching.then(async () => {
            client.fetches += 1;
            client.doc = await getText(`${origin}/_preview/doc/${page}`).catch(() => {
              client.errors += 1;
              return client.doc;
            });
          });
        }
      }
    });
  });
  request.on('error', () => (client.errors += 1));
  client.close = () => void request.destroy();
  return { client, settled: () => fetching };
}

export async function runPreviewLoad(options: PreviewLoadOptions): Promise<PreviewLoadResult> {
  const work = await mkdtemp(join(tmpdir(), 'presswork-preview-load-'));
  const editionDir = join(work, 'edition');
  await cp(resolve(options.edition), editionDir, { recursive: true });
  const article = await articleOf(editionDir, options.page);
  const original = await readFile(article, 'utf8');
  const server = spawn(process.execPath, [join(PACKAGE_ROOT, 'src/bin/presswork.mjs'), 'preview', editionDir, '--out', join(work, 'out')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  server.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  server.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  let exited = false;
  server.on('exit', () => (exited = true));
  const clients: ReturnType<typeof openClient>[] = [];
  try {
    const deadline = Date.now() + options.settleMs;
    while (!/pages ready/.test(log)) {
      if (exited || Date.now() > deadline) throw new Error(`preview did not start:\n${log}`);
      await sleep(100);
    }
    const origin = /presswork preview: (http:\/\/[^/\s]+)\//.exec(log)![1]!;
    const state = async () => JSON.parse(await getText(`${origin}/_preview/state.json`)) as PreviewSnapshot;
    // Settled: nothing being read or laid out, every page laid out at its version, for a second.
    const settle = async () => {
      const end = Date.now() + options.settleMs;
      let last = -1;
      let quietSince = Date.now();
      for (;;) {
        const s = await state();
        const quiet = !s.busy && s.pages.every((p) => p.ready && p.laidOutVersion === p.version);
        if (!quiet || s.generation !== last) quietSince = Date.now();
        last = s.generation;
        if (Date.now() - quietSince > 1_000) return s;
        if (Date.now() > end) return s;
        await sleep(100);
      }
    };
    await settle();
    const rssStartMb = rssMb(server.pid!);
    let rssPeakMb = rssStartMb;
    const sampler = setInterval(() => (rssPeakMb = Math.max(rssPeakMb, exited ? 0 : rssMb(server.pid!))), 200);

    const pages = (await state()).pages.map((p) => p.id);
    for (let i = 0; i < options.clients; i++) clients.push(openClient(origin, i % 2 === 0 ? options.page : pages[i % pages.length]!));
    await sleep(500);

    const savingStarted = Date.now();
    const marker = (i: number) => `压测第${i}次保存`;
    for (let i = 1; i <= options.saves; i++) {
      await writeFile(article, withMarker(original, marker(i)));
      await sleep(options.saveEveryMs);
    }
    const lastSaveAt = Date.now();
    const savingMs = lastSaveAt - savingStarted;

    // Every client on the last state: the server's final generation, and the last text on the saved page.
    const last = marker(options.saves);
    let convergedMs: number | null = null;
    let final = await settle();
    const onLast = () => clients.filter(({ client }, i) => client.generation === final.generation && (i % 2 !== 0 || client.doc.includes(last))).length;
    const end = Date.now() + options.settleMs;
    while (Date.now() < end) {
      await Promise.all(clients.map((c) => c.settled()));
      final = await state();
      if (onLast() === clients.length) {
        convergedMs = Date.now() - lastSaveAt;
        break;
      }
      await sleep(200);
    }
    const clientsOnLastState = onLast();
    for (const { client } of clients) client.close();
    // Memory once the load has ended, the clients gone and the server idle: V8 gives memory
    // back to the system lazily, so watch for up to `memoryWaitMs` for it to come back.
    let rssEndMb = rssPeakMb;
    const memoryEnd = Date.now() + options.memoryWaitMs;
    let memoryBackMs: number | null = null;
    while (!exited && Date.now() < memoryEnd) {
      await sleep(1_000);
      rssEndMb = rssMb(server.pid!);
      if (rssEndMb <= rssStartMb * 1.2) {
        memoryBackMs = Date.now() - (memoryEnd - options.memoryWaitMs);
        break;
      }
    }
    clearInterval(sampler);
    const serverSurvived = !exited;
    server.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => (exited ? r(server.exitCode) : server.on('exit', (c) => r(c))));
    return {
      clients: options.clients,
      saves: options.saves,
      savingMs,
      convergedMs,
      clientsOnLastState,
      documentsFetched: clients.reduce((sum, { client }) => sum + client.fetches, 0),
      rssStartMb: Math.round(rssStartMb),
      rssPeakMb: Math.round(rssPeakMb),
      rssEndMb: Math.round(rssEndMb),
      memoryRatio: rssEndMb / rssStartMb,
      memoryBackMs,
      serverSurvived: serverSurvived && code === 0,
      unhandled: log.split('\n').filter((line) => /unhandled|uncaught|triggerUncaughtException|FATAL/i.test(line)),
    };
  } finally {
    for (const { client } of clients) client.close();
    if (!exited) server.kill('SIGKILL');
    await rm(work, { recursive: true, force: true });
  }
}
