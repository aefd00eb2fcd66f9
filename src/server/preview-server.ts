import { basename, join, resolve } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { staticMounts } from '../pipeline/prepare-edition.js';
import { PACKAGE_ROOT } from '../util/package-root.js';
import { createPreviewBuilder, type PreviewBuilder } from './preview-builder.js';
import { bundlePreviewClient } from './preview-client-bundle.js';
import { createDeskEndpoint, DESK_EDIT_PATH } from './desk-endpoint.js';
import { createEventHub } from './preview-events.js';
import { serveFolder, underPrefix, type FileHandler } from './preview-files.js';
import { createPreviewRoutes } from './preview-routes.js';
import type { PreviewMessage, PreviewSnapshot } from './preview-state.js';
import { createWarmLayout } from './preview-warm-layout.js';
import { watchSources } from '../pipeline/watch-sources.js';
import { startStaticServer } from '../render/static-server.js';
import { createAdImages } from './preview-ad-images.js';

export interface PreviewServerOptions {
  edition: string;
  /** Output root; the page assets go to `<out>/<edition>/preview/assets`. */
  out: string;
  host?: string;
  port?: number;
  log: (line: string) => void;
  /** Per-page layout timeout of the warm Chromium. */
  layoutTimeoutMs?: number;
  launch?: () => Promise<Browser>;
  /** See PreviewBuilderOptions.layoutDelayMs. */
  layoutDelayMs?: number;
  /** Turn the layout desk's edit endpoint off: the preview then never writes (it is off off loopback too). */
  readOnly?: boolean;
}

export interface PreviewServer {
  /** The URL to print and open: the index page. */
  url: string;
  origin: string;
  builder: PreviewBuilder;
  /** Resolves when the pages are rendered for the first time (not yet laid out). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Wildcard binds are reachable on loopback too; the warm Chromium uses that. */
function loopbackOrigin(origin: string, host: string): string {
  const port = new URL(origin).port;
  if (host === '0.0.0.0') return `http://127.0.0.1:${port}`;
  if (host === '::') return `http://[::1]:${port}`;
  return origin;
}

/**
 * The preview: a loopback server for the edition's pages with live reload. Sources are
 * read with the build's own pipeline; a warm Chromium lays out pages for jumps, copyfit and
 * thumbnails; staff's tabs render each page with Paged.js from the same templates, styles
 * and fonts as the print build.
 */
export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const editionDir = resolve(options.edition);
  // The folders prepareEdition and writeBrowserAssets read: what must trigger a reload.
  const templatesDir = join(PACKAGE_ROOT, 'templates');
  const stylesDir = join(PACKAGE_ROOT, 'styles');
  const host = options.host ?? '127.0.0.1';
  const htmlDir = join(resolve(options.out), basename(editionDir), 'preview');
  const all = staticMounts(editionDir, htmlDir);
  const files = servedFolders(all);
  const client = await bundlePreviewClient();
  // The desk writes edition.yaml: only on loopback, where the Host check stops DNS rebinding.
  const editable = !options.readOnly && ['127.0.0.1', 'localhost', '::1'].includes(host);
  const hub = createEventHub();

  let routes: ((req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void) | undefined;
  const server = await startStaticServer({
    // Every path goes to our routes; the static server still refuses traversal and other methods first.
    mounts: {},
    host,
    port: options.port ?? 0,
    postPaths: editable ? [DESK_EDIT_PATH] : [],
    fallback: (req, res) => routes!(req, res),
  });
  const origin = loopbackOrigin(server.origin, host);
  const layout = createWarmLayout({ origin, timeoutMs: options.layoutTimeoutMs, launch: options.launch });
  const reporter = createStateReporter(options.log);
  const builder = createPreviewBuilder({
    editionDir,
    assetsDir: all['/assets']!,
    templatesDir,
    origin,
    docPath: (id) => `/_preview/doc/${encodeURIComponent(id)}`,
    layout,
    log: options.log,
    layoutDelayMs: options.layoutDelayMs,
    onSnapshot: (snapshot) => {
      hub.broadcast('state', snapshot);
      reporter(snapshot);
    },
  });
  const desk = editable ? createDeskEndpoint({ editionDir, log: options.log }) : undefined;
  routes = createPreviewRoutes({ builder, hub, client, files, log: options.log, adImage: createAdImages(editionDir), desk });

  const watcher = watchSources(
    { editionDir, templatesDir, stylesDir },
    (changes) => {
      builder.rebuild(changes).catch((error: unknown) => options.log(`preview: ${(error as Error).message}`));
    },
    { onError: (error) => options.log(`preview: watching files failed: ${error.message}`) },
  );
  const ready = Promise.all([watcher.ready, builder.rebuild()]).then(() => undefined);

  return {
    url: `${server.origin}/`,
    origin,
    builder,
    ready,
    async close() {
      builder.close();
      hub.close();
      await Promise.allSettled([watcher.close(), layout.close(), server.close()]);
    },
  };
}

/**
 * What the preview serves from disk: the edition folder, the fonts (cached for good, as
 * their files never change) and the page assets under a content version (cached for good).
 * The build's `/html` folder is not served: page documents come from memory.
 */
function servedFolders(mounts: Record<string, string>): FileHandler[] {
  const fonts = Object.entries(mounts).filter(([prefix]) => prefix.startsWith('/fonts/'));
  return [
    serveFolder({ match: underPrefix('/edition'), dir: mounts['/edition']!, immutable: false }),
    ...fonts.map(([prefix, dir]) => serveFolder({ match: underPrefix(prefix), dir, immutable: true })),
    serveFolder({ match: (path) => /^\/assets\/[0-9a-f]{6,40}(\/.*)$/.exec(path)?.[1], dir: mounts['/assets']!, immutable: true }),
  ];
}

/** Terminal lines for what staff would otherwise only see in the browser: new errors, re-rendered pages. */
function createStateReporter(log: (line: string) => void): (snapshot: PreviewSnapshot) => void {
  let errorsKey = '[]';
  const versions = new Map<string, number>();
  return (snapshot) => {
    const key = JSON.stringify(snapshot.errors.map((e) => [e.file, e.line, e.message]));
    if (key !== errorsKey) {
      if (snapshot.errors.length === 0) log('preview: errors fixed');
      else for (const error of snapshot.errors) log(`preview: ${formatMessage(error)}`);
      errorsKey = key;
    }
    // The first render of each page is not news; later ones say which pages a save touched.
    const changed = snapshot.pages.filter((p) => p.ready && p.version > 0 && versions.get(p.id) !== p.version);
    const updated = changed.filter((p) => versions.has(p.id));
    for (const page of changed) versions.set(page.id, page.version);
    if (updated.length > 0) log(`preview: re-rendered ${updated.map((p) => p.id).join(', ')}`);
  };
}

function formatMessage(m: PreviewMessage): string {
  const at = m.file ? `${m.file}${m.line ? `:${m.line}${m.column ? `:${m.column}` : ''}` : ''}: ` : '';
  return `${at}${m.message}${m.ruleId ? ` [${m.ruleId}]` : ''}`;
}
