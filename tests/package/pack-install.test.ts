import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT, PACKAGE_VERSION } from '../../src/util/package-root.js';
import { pageTexts } from '../helpers/pdf.js';

/**
 * presswork as npm users get it: `npm pack` (which builds dist/), the tarball installed into
 * an empty folder outside the repository with its own node_modules from the registry, and
 * `npx presswork build` run there on a copy of the sample edition. Slow (one npm install).
 */
const run = promisify(execFile);
const MINUTES = 60_000;
let root: string;
let app: string;
let tarball: string;
let build: { code: number; stderr: string };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pw-package-'));
  app = join(root, 'app');
  const packed = await run('npm', ['pack', '--json', '--pack-destination', root], { cwd: PACKAGE_ROOT, maxBuffer: 64 << 20, timeout: 5 * MINUTES });
  tarball = join(root, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);
  await mkdir(app);
  await writeFile(join(app, 'package.json'), '{"name": "presswork-user", "private": true}\n');
  const env = { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1', XDG_CACHE_HOME: join(root, 'cache') };
  await run('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: app, env, maxBuffer: 64 << 20, timeout: 9 * MINUTES });
  await cp(join(PACKAGE_ROOT, 'articles', '2026-11-26'), join(app, 'articles', '2026-11-26'), { recursive: true });
  build = await run('npx', ['presswork', 'build', 'articles/2026-11-26'], { cwd: app, env, maxBuffer: 64 << 20, timeout: 9 * MINUTES }).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (error: { code?: number; stderr?: string }) => ({ code: error.code ?? -1, stderr: error.stderr ?? '' }),
  );
}, 25 * MINUTES);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the published package', () => {
  it('ships the compiled code, prebuilt bundles, templates, styles and schemas, and no sources, tests or articles', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball], { maxBuffer: 16 << 20 });
    const files = stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    for (const file of ['dist/cli.js', 'dist/presswork.cjs', 'dist/plate-worker.cjs', 'dist/bundles/layout/entry.js', 'dist/bundles/preview-client/page-view.js', 'dist/server/preview-client/preview.css', 'templates/edition.hbs', 'styles/newspaper.css', 'schema/edition.schema.json', 'schema/front-matter.schema.json', 'schema/house.schema.json', 'dist/fonts/to-truetype.py', 'package.json']) {
      expect(files, file).toContain(file);
    }
    expect(files.filter((f) => /^(src|tests|articles|output|scripts)\//.test(f) || f.endsWith('.ts'))).toEqual([]);
    // The Node code is one bundle: no compiled module per source file.
    expect(files.filter((f) => f.startsWith('dist/') && f.endsWith('.js') && !f.startsWith('dist/bundles/'))).toEqual(['dist/cli.js']);
  });

  it('installs without tsx or esbuild', async () => {
    const installed = join(app, 'node_modules');
    expect(existsSync(join(installed, 'presswork', 'dist', 'cli.js'))).toBe(true);
    expect(existsSync(join(installed, 'tsx'))).toBe(false);
    expect(existsSync(join(installed, 'esbuild'))).toBe(false);
  });

  it('builds the sample edition with `npx presswork build`: the proof and one plate per page', async () => {
    expect(build.code, build.stderr).toBe(0);
    const out = join(app, 'output', '2026-11-26');
    const texts = await pageTexts(join(out, '2026-11-26.pdf'));
    expect(texts).toHaveLength(4);
    expect(texts[0]).toContain('萧山日报');
    const plates = (await readdir(join(out, 'plates'))).filter((f) => f.endsWith('.pdf')).sort();
    expect(plates).toEqual(['A1', 'A2', 'A3', 'A4'].map((page) => `xiaoshan-daily-20261126-${page}.pdf`));
    for (const plate of plates) expect((await readFile(join(out, 'plates', plate))).toString('latin1'), plate).toContain('/GTS_PDFXVersion');
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as { versions: { presswork: string } };
    expect(report.versions.presswork).toBe(PACKAGE_VERSION);
  });

  it('fails and exits (exit 1, the cause on stderr) when its dist/ is copied away from its package.json, instead of hanging on the browser it started', async () => {
    const stray = join(root, 'stray-dist');
    await cp(join(app, 'node_modules', 'presswork', 'dist'), stray, { recursive: true });
    const env = { ...process.env, XDG_CACHE_HOME: join(root, 'cache') };
    const result = await run(process.execPath, [join(stray, 'cli.js'), 'build', 'articles/2026-11-26', '--out', join(root, 'stray-out'), '--pages', 'A1', '--proof-only'], { cwd: app, env, timeout: 2 * MINUTES }).then(
      () => ({ code: 0, stderr: '', killed: false }),
      (error: { code?: number; stderr?: string; killed?: boolean }) => ({ code: error.code, stderr: error.stderr ?? '', killed: error.killed === true }),
    );
    expect(result.killed).toBe(false);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("presswork's package.json not found above");
  }, 3 * MINUTES);

  it('keeps its caches in the output folder and the XDG cache folder, never inside the installed package', async () => {
    expect(existsSync(join(app, 'output', '.cache', 'pages'))).toBe(true);
    expect((await readdir(join(root, 'cache', 'presswork', 'fonts'))).some((f) => f.endsWith('.ttf'))).toBe(true);
    // V8's code cache of the bundle, on Node versions without their own compile cache.
    if (!('enableCompileCache' in (await import('node:module')).default)) {
      const codeCaches = await readdir(join(root, 'cache', 'presswork', 'code'));
      expect(codeCaches.some((f) => f.endsWith('-build.bin'))).toBe(true);
      // The plate thread's, which its bundle writes after its first plate (a worker has no exit event).
      expect(codeCaches.some((f) => f.endsWith('-plate-worker.bin'))).toBe(true);
    }
    expect(existsSync(join(app, 'node_modules', '.cache'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'presswork', '.cache'))).toBe(false);
  });
});
