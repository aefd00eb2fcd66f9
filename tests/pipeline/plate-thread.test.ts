import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FORMATS } from '../../src/pdf/plates.js';
import { makePlate, type PlateJob } from '../../src/pipeline/plate-job.js';
import { plateThread } from '../../src/pipeline/plate-thread.js';
import { registerTempDir, TEMP_NAME, tempDirFor } from '../../src/util/atomic-write.js';
import { CancelledError } from '../../src/util/cancel.js';
import { launchChromium } from '../../src/render/chromium.js';
import { makeProofPdf } from '../fixtures/pdf/make-proof.js';
import { descendants, running, waitUntil } from '../helpers/processes.js';
import { plateJob } from '../fixtures/pipeline/plate-job.js';

/**
 * Plates are made on a worker thread (src/pipeline/plate-thread.ts), so the main thread stays
 * free for the tabs. The thread's plate must be the main thread's, byte for byte; its errors
 * the same messages; and a cancel or an exit mid-plate must kill its Ghostscript and leave no
 * temp file, as on the main thread.
 */

let dir: string;
let proof: string;
const temporaries = (out: string) => (existsSync(out) ? (readdirSync(out, { recursive: true }) as string[]).filter((name) => TEMP_NAME.test(String(name))) : []);
const ghostscriptsOf = (pid: number) => descendants(pid).filter((p) => /(^|\/)gs /.test(p.cmdline));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pw-plate-thread-'));
  const browser = await launchChromium();
  try {
    proof = join(dir, 'proof.pdf');
    await writeFile(proof, await makeProofPdf(browser, { widthMm: FORMATS.broadsheet.width, heightMm: FORMATS.broadsheet.height }));
  } finally {
    await browser.close();
  }
});

describe('the plate thread', () => {
  for (const converter of ['auto', 'ghostscript'] as const) {
    it(`makes the main thread's plate, report and reuse record (converter ${converter})`, async () => {
      const here = plateJob(proof, join(dir, `here-${converter}`), converter);
      const there = plateJob(proof, join(dir, `there-${converter}`), converter);
      const [a, b] = [await makePlate(here), await plateThread().plate(there, { limit: 2 })];
      expect(b.converter).toBe(converter === 'auto' ? 'direct' : 'ghostscript');
      expect({ ...b, ms: 0 }).toEqual({ ...a, ms: 0 });
      expect(b.findings).toEqual([]);
      const plate = (job: PlateJob, path: string) => readFileSync(join(job.outDir, path));
      // Ghostscript stamps its own dates into the file: the same bytes are asked of the direct writer only.
      if (b.converter === 'direct') expect(plate(there, b.path).equals(plate(here, a.path))).toBe(true);
      else expect(plate(there, b.path).length).toBeGreaterThan(10_000);
      expect(JSON.parse(readFileSync(there.record!.path, 'utf8'))).toEqual(JSON.parse(readFileSync(here.record!.path, 'utf8')));
      expect(temporaries(there.outDir)).toEqual([]);
    });
  }

  it("rejects with the main thread's message when a plate fails", async () => {
    const job = plateJob(join(dir, 'missing.pdf'), join(dir, 'missing'), 'auto');
    const here = await makePlate(job).then(() => '', (error: Error) => error.message);
    expect(here).toMatch(/ENOENT.*missing\.pdf/);
    await expect(plateThread().plate(job, { limit: 2 })).rejects.toThrow(here);
  });

  it('cancelled while Ghostscript converts: rejects with the cancellation, Ghostscript killed, no temp file left', async () => {
    const out = join(dir, 'cancelled');
    registerTempDir(out, tempDirFor(out));
    const job = plateJob(proof, out, 'ghostscript');
    const controller = new AbortController();
    const made = plateThread().plate(job, { signal: controller.signal, limit: 2 });
    made.catch(() => undefined);
    expect(await waitUntil(() => ghostscriptsOf(process.pid).length > 0, 60_000, 5)).toBe(true);
    const gs = ghostscriptsOf(process.pid).map((p) => p.pid);
    controller.abort(new CancelledError('build timed out after 1 s'));
    await expect(made).rejects.toThrow('build timed out after 1 s');
    expect(gs.filter(running)).toEqual([]);
    expect(temporaries(out)).toEqual([]);
    expect(readdirSync(job.plate.platesDir)).toEqual([]);
    // The thread is still there for the next plate.
    expect((await plateThread().plate(plateJob(proof, join(dir, 'after'), 'auto'), { limit: 2 })).converter).toBe('direct');
  });

  it('a process that exits mid-plate takes the thread\'s Ghostscript and temp files with it (exit cleanups)', async () => {
    const out = join(dir, 'exited');
    const child = spawn(process.execPath, ['--import', 'tsx', resolve('tests/fixtures/pipeline/exit-mid-plate.ts'), proof, out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code, stderr).toBe(0);
    const gs = JSON.parse(stdout) as { ghostscript: number[]; temporaries: string[] };
    // The fixture exited while Ghostscript wrote the plate's temp file.
    expect(gs.ghostscript.length).toBeGreaterThan(0);
    expect(gs.temporaries.length).toBeGreaterThan(0);
    // Killed, not left to finish (which takes it some 300 ms more on a sample page).
    expect(await waitUntil(() => gs.ghostscript.every((pid) => !running(pid)), 50, 5)).toBe(true);
    expect(temporaries(out)).toEqual([]);
    expect(readdirSync(join(out, 'edition', 'plates'))).toEqual([]);
  });
});
