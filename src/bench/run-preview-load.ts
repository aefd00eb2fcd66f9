/**
 * `npm run bench:preview-load [-- --clients 50 --saves 200 --every 20]`: the preview under
 * load (see preview-load.ts). Prints the figures and writes output/bench-preview-load.json;
 * exits 1 if a property failed (crash, memory not back within 20 %, a client not on the last save).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runPreviewLoad } from './preview-load.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '50' },
    saves: { type: 'string', default: '200' },
    every: { type: 'string', default: '20' },
    page: { type: 'string', default: 'A3' },
    edition: { type: 'string', default: 'articles/2026-11-26' },
  },
});

const result = await runPreviewLoad({
  edition: values.edition,
  clients: Number(values.clients),
  saves: Number(values.saves),
  saveEveryMs: Number(values.every),
  page: values.page,
  settleMs: 180_000,
  memoryWaitMs: 60_000,
});
const held = result.serverSurvived && result.unhandled.length === 0 && result.memoryRatio <= 1.2 && result.clientsOnLastState === result.clients;
process.stderr.write(
  `${result.clients} clients, ${result.saves} saves in ${(result.savingMs / 1000).toFixed(1)} s: ` +
    `${result.clientsOnLastState}/${result.clients} clients on the last save ${result.convergedMs === null ? 'never' : `${(result.convergedMs / 1000).toFixed(1)} s after it`}, ` +
    `${result.documentsFetched} page documents fetched; server RSS ${result.rssStartMb} → peak ${result.rssPeakMb} → ${result.rssEndMb} MB (×${result.memoryRatio.toFixed(2)}${result.memoryBackMs === null ? '' : `, ${(result.memoryBackMs / 1000).toFixed(0)} s after the load`}); ` +
    `${result.serverSurvived ? 'server up, stopped cleanly' : 'SERVER DIED'}${result.unhandled.length ? `; unhandled: ${result.unhandled.join(' | ')}` : ''}\n` +
    `${held ? 'held' : 'FAILED'}\n`,
);
await mkdir(resolve('output'), { recursive: true });
await writeFile(resolve('output/bench-preview-load.json'), `${JSON.stringify({ at: new Date().toISOString(), ...result }, null, 2)}\n`);
process.exitCode = held ? 0 : 1;
