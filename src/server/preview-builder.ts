import { randomUUID } from 'node:crypto';
import { join, relative, resolve } from 'node:path';
import type { Copyfit } from '../browser/layout-story.js';
import { prepareEdition, singlePageView, type PreparedEdition } from '../pipeline/prepare-edition.js';
import { writeBrowserAssets } from '../render/browser-assets.js';
import { createArticleCache } from './preview-article-cache.js';
import { assetVersion } from './preview-asset-version.js';
import { displayPath, previewError, previewMessages } from './preview-messages.js';
import type { PreviewGrid, PreviewMessage, PreviewSnapshot, PreviewStoryFit } from './preview-state.js';
import { findTemplateErrors } from './preview-template-errors.js';
import type { WarmLayout } from './preview-warm-layout.js';
import type { SourceChanges } from '../pipeline/watch-sources.js';

export interface PreviewBuilderOptions {
  editionDir: string;
  /** Where the page documents' `/assets/` live; rewritten when a style changes. */
  assetsDir: string;
  templatesDir: string;
  /** Origin the warm layout loads documents from. */
  origin: string;
  /** URL path of a page's document, e.g. `/_preview/doc/A1`. */
  docPath: (pageId: string) => string;
  layout: WarmLayout;
  onSnapshot: (snapshot: PreviewSnapshot) => void;
  log: (line: string) => void;
  cwd?: string;
  /**
   * How long to wait after a change before laying out a page that no jump depends on.
   * The warm layout only feeds the index then, and on a small machine it would compete
   * with the open tabs that are rendering the same change.
   */
  layoutDelayMs?: number;
}

export interface PreviewBuilder {
  /** Re-read the sources after a change (or at start, without changes). Resolves when the pages are rendered. */
  rebuild(changes?: SourceChanges): Promise<void>;
  snapshot(): PreviewSnapshot;
  /** A page's current document; waits (bounded) while it waits for a jump source's layout. */
  pageDocument(pageId: string): Promise<string | undefined>;
  thumbnail(pageId: string): Uint8Array | undefined;
  /** Resolves once nothing is being read or laid out. */
  idle(): Promise<void>;
  close(): void;
}

interface PageEntry {
  id: string;
  section: string;
  template: string;
  html?: string;
  version: number;
  laidOutVersion: number | null;
  copyfit: Copyfit[];
  /** Findings of the browser's typography audit, when the layout reports one. */
  audit: number | null;
  thumbnail?: Uint8Array;
  stories: Omit<PreviewStoryFit, 'overset' | 'short' | 'continuedOn'>[];
  /** Absolute paths of the page's sources, for message counts and broken-file checks. */
  files: Set<string>;
  /** Pages with stories that continue here. */
  sources: string[];
  /** Stories of this page that jump, with their target page. */
  jumps: Map<string, string>;
  warnings: number;
  errors: number;
  broken: boolean;
  /** Not rendered yet because a jump source must be laid out first. */
  held: boolean;
  /** Re-render even if the HTML is the same (an image it shows changed). */
  forceBump: boolean;
  layoutError?: PreviewMessage;
  waiters: (() => void)[];
}

const PX_PER_PT = 96 / 72;
const THUMB_WIDTH = 300;
const DOC_WAIT_MS = 30_000;

/**
 * The preview's model of the edition: reads sources with the build's own `prepareEdition`,
 * renders each page's document, and keeps copyfit, handover and thumbnails from the warm
 * layout. Only pages whose document changes get a new version, so only they re-render.
 */
export function createPreviewBuilder(options: PreviewBuilderOptions): PreviewBuilder {
  const cwd = options.cwd ?? process.cwd();
  const serverId = randomUUID();
  const pages = new Map<string, PageEntry>();
  const handover = new Map<string, string>();
  let order: string[] = [];
  let prepared: PreparedEdition | undefined;
  let sourceErrors: PreviewMessage[] = [];
  let generation = 0;
  let reading = false;
  let laying = false;
  let closed = false;
  let queued: SourceChanges | undefined;
  let lastRead: PreviewSnapshot['lastRead'] = null;
  /** Milliseconds per stage of the last prepareEdition (load, process, template). */
  let stages: Record<string, number> = {};
  let building: Promise<void> | undefined;
  let pumping: Promise<void> | undefined;
  const articles = createArticleCache();
  /** Part of the asset URLs in page documents; changes when a style does. */
  let assets: string | undefined;
  /** The house fonts fonts.css was last written with. */
  let fontsDigest: string | undefined;

  const emit = () => {
    generation++;
    options.onSnapshot(snapshot());
  };

  function snapshot(): PreviewSnapshot {
    const edition = prepared?.edition;
    const layoutErrors = [...pages.values()].flatMap((p) => (p.layoutError ? [p.layoutError] : []));
    return {
      serverId,
      generation,
      edition: edition ? { dir: displayPath(edition.dir, cwd), name: edition.name, paper: edition.config.paper, date: edition.config.date } : null,
      grid: edition ? gridOf(prepared!) : null,
      pages: order.map((id) => pages.get(id)!).map((p) => ({
        id: p.id,
        section: p.section,
        template: p.template,
        version: p.version,
        laidOutVersion: p.laidOutVersion,
        audit: p.audit,
        stories: p.stories.map((s) => {
          const fit = p.copyfit.find((c) => c.story === s.story && c.part === s.part);
          return {
            ...s,
            overset: { chars: fit?.overset.chars ?? 0, lines: fit?.overset.lines ?? 0 },
            short: { lines: fit?.short.lines ?? 0 },
            continuedOn: fit?.continuedOn,
            writeToFit: fit?.writeToFit,
          };
        }),
        warnings: p.warnings,
        errors: p.errors,
        ready: !p.held,
      })),
      errors: [...sourceErrors, ...layoutErrors],
      busy: reading || laying,
      lastRead,
    };
  }

  function markReady(entry: PageEntry): void {
    entry.held = false;
    for (const wake of entry.waiters.splice(0)) wake();
  }

  /** Render a page's document with the current handover; bump its version if it changed. */
  function settle(entry: PageEntry): void {
    if (!prepared) return;
    const view = singlePageView(prepared.view, entry.id, handover);
    const html = prepared.render(assets ? { ...view, assetBase: `/assets/${assets}` } : view);
    if (html !== entry.html || entry.forceBump) {
      entry.html = html;
      entry.version++;
      entry.forceBump = false;
    }
    markReady(entry);
  }

  function syncPages(next: PreparedEdition, changes: SourceChanges | undefined): void {
    const { edition, view, files } = next;
    const counts = new Map(files.map((f) => [f.path, { errors: f.messages.filter((m) => m.fatal).length, warnings: f.messages.filter((m) => m.fatal === false).length }]));
    const ids = new Set(edition.pages.map((p) => p.config.id));
    for (const id of pages.keys()) if (!ids.has(id)) pages.delete(id);
    for (const page of edition.pages) {
      const id = page.config.id;
      const entry: PageEntry = pages.get(id) ?? {
        id, section: '', template: '', version: 0, laidOutVersion: null, copyfit: [], audit: null, stories: [], files: new Set(), sources: [],
        jumps: new Map(), warnings: 0, errors: 0, broken: false, held: false, forceBump: false, waiters: [],
      };
      const pageView = view.pages.find((p) => p.id === id);
      entry.section = page.config.section;
      entry.template = page.config.template;
      entry.stories = (pageView?.stories ?? []).map((s) => ({ story: s.id, part: s.part, file: s.file, path: join(edition.dir, s.file), title: s.title }));
      // From edition.yaml too: a story whose front matter does not parse is left out of the
      // loaded page, and the page must then keep its last good document, not lose the story.
      entry.files = new Set([...entry.stories.map((s) => s.path), ...page.config.stories.map((s) => resolve(edition.dir, s.file))]);
      entry.jumps = edition.jumps.outgoing(id);
      entry.sources = edition.jumps.sourcesOf(id);
      entry.errors = [...entry.files].reduce((n, f) => n + (counts.get(f)?.errors ?? 0), 0);
      entry.warnings = [...entry.files].reduce((n, f) => n + (counts.get(f)?.warnings ?? 0), 0);
      entry.broken = [...entry.files].some((f) => next.brokenFiles.has(f));
      if (usesChangedAsset(entry, changes, edition.dir)) entry.forceBump = true;
      pages.set(id, entry);
    }
    order = edition.jumps.order;
  }

  function usesChangedAsset(entry: PageEntry, changes: SourceChanges | undefined, dir: string): boolean {
    if (!changes?.kinds.has('asset') || !entry.html) return false;
    return changes.paths.some((p) => {
      const rel = relative(dir, p).split('\\').join('/');
      return entry.html!.includes(`/edition/${rel}`) || entry.html!.includes(`/edition/${encodeURI(rel)}`);
    });
  }

  /** A page must wait for a source that comes before it and still needs laying out. */
  function waitsForSource(entry: PageEntry): boolean {
    const at = order.indexOf(entry.id);
    return entry.sources.some((id) => {
      const source = pages.get(id);
      return source && order.indexOf(id) < at && !source.broken && (source.held || source.laidOutVersion !== source.version);
    });
  }

  async function read(changes: SourceChanges | undefined): Promise<void> {
    const assetErrors: PreviewMessage[] = [];
    if (!assets || changes?.kinds.has('style')) {
      try {
        await writeBrowserAssets(options.assetsDir, prepared?.fonts);
        assets = await assetVersion(options.assetsDir);
      } catch (error) {
        assetErrors.push(previewError(`Cannot write the page assets (styles, fonts.css, layout.js): ${(error as Error).message}`, 'assets'));
      }
    }
    let result: Awaited<ReturnType<typeof prepareEdition>>;
    try {
      if (changes?.kinds.has('asset')) articles.clear();
      stages = {};
      const time = async <T>(stage: string, run: () => Promise<T>): Promise<T> => {
        const started = performance.now();
        try {
          return await run();
        } finally {
          stages[stage] = Math.round(performance.now() - started);
        }
      };
      result = await prepareEdition(options.editionDir, time, articles.process);
    } catch (error) {
      sourceErrors = [...assetErrors, previewError(`Cannot read the edition: ${(error as Error).message}`, 'prepare-failed')];
      return;
    }
    const messages = previewMessages(result.files, cwd).filter((m) => m.severity === 'error');
    sourceErrors = [...assetErrors, ...messages];
    if (!result.prepared) return; // keep showing the last good pages
    if (result.prepared.fonts.digest !== fontsDigest) {
      // The house fonts changed (or were read for the first time): fonts.css declares them.
      try {
        await writeBrowserAssets(options.assetsDir, result.prepared.fonts);
        assets = await assetVersion(options.assetsDir);
        fontsDigest = result.prepared.fonts.digest;
      } catch (error) {
        sourceErrors.push(previewError(`Cannot write the page assets (fonts.css): ${(error as Error).message}`, 'assets'));
      }
    }
    const previous = prepared;
    prepared = result.prepared;
    syncPages(result.prepared, changes);
    for (const id of order) {
      const entry = pages.get(id)!;
      if (entry.broken) {
        markReady(entry); // keeps its last good document; the overlay names the error
        continue;
      }
      if (waitsForSource(entry)) {
        entry.held = true;
        continue;
      }
      try {
        settle(entry);
      } catch (error) {
        prepared = previous ?? prepared;
        sourceErrors.push(...(await templateErrors(error)));
        for (const e of pages.values()) markReady(e);
        return;
      }
    }
  }

  async function templateErrors(error: unknown): Promise<PreviewMessage[]> {
    const found = await findTemplateErrors(options.templatesDir, cwd);
    return found.length > 0 ? found : [previewError(`Rendering the page templates failed: ${(error as Error).message}`, 'template-failed')];
  }

  /** Lay out, one at a time in render order, every page whose current version has not been laid out. */
  async function pump(): Promise<void> {
    laying = true;
    const waited = new Set<string>();
    try {
      while (!closed && prepared) {
        const next = order.map((id) => pages.get(id)!).find((p) => !p.held && !p.broken && p.version > 0 && p.laidOutVersion !== p.version);
        if (!next) break;
        const version = next.version;
        if (next.jumps.size === 0 && next.laidOutVersion !== null && !waited.has(`${next.id}@${version}`)) {
          waited.add(`${next.id}@${version}`);
          await new Promise((resolve) => setTimeout(resolve, options.layoutDelayMs ?? 500));
          continue;
        }
        const grid = prepared.edition.grid;
        try {
          const result = await options.layout.layout(`${options.origin}${options.docPath(next.id)}?v=${version}`, {
            widthPx: grid.pageWidthPt * PX_PER_PT,
            heightPx: grid.pageHeightPt * PX_PER_PT,
            thumbWidth: THUMB_WIDTH,
          });
          if (next.version !== version || pages.get(next.id) !== next) continue; // changed meanwhile: lay out again
          next.copyfit = result.copyfit;
          next.audit = result.audit ?? null;
          next.thumbnail = result.thumbnail ?? next.thumbnail;
          next.layoutError = undefined;
          for (const [story, target] of next.jumps) {
            const text = result.handover[story] ?? '';
            if (handover.get(story) !== text) {
              handover.set(story, text);
              const targetEntry = pages.get(target);
              if (targetEntry && !targetEntry.held && !targetEntry.broken) settle(targetEntry);
            }
          }
        } catch (error) {
          if (closed) return;
          next.layoutError = previewError(`Page ${next.id} could not be laid out: ${(error as Error).message}`, 'layout-failed', { page: next.id });
        }
        next.laidOutVersion = version;
        for (const entry of pages.values()) {
          if (entry.held && !waitsForSource(entry)) {
            try {
              settle(entry);
            } catch (error) {
              sourceErrors.push(...(await templateErrors(error)));
              markReady(entry);
            }
          }
        }
        emit();
      }
    } finally {
      laying = false;
    }
  }

  function startPump(): void {
    if (pumping || closed) return;
    pumping = pump()
      .catch((error: unknown) => options.log(`preview: layout stopped: ${(error as Error).message}`))
      .finally(() => {
        pumping = undefined;
        // A change that arrived while the last page was being laid out.
        if (!closed && [...pages.values()].some((p) => !p.held && !p.broken && p.version > 0 && p.laidOutVersion !== p.version)) startPump();
        else emit();
      });
  }

  async function loop(): Promise<void> {
    while (queued && !closed) {
      const changes = queued.paths.length > 0 ? queued : undefined;
      queued = undefined;
      reading = true;
      emit();
      const started = performance.now();
      try {
        await read(changes);
        lastRead = { changedAt: changes?.at ?? Date.now(), readMs: Math.round(performance.now() - started), stages };
      } catch (error) {
        sourceErrors = [previewError(`The preview failed to read the edition: ${(error as Error).message}`, 'preview-failed')];
      } finally {
        reading = false;
      }
      emit();
      startPump();
    }
  }

  return {
    rebuild(changes) {
      queued = {
        paths: [...(queued?.paths ?? []), ...(changes?.paths ?? [])],
        kinds: new Set([...(queued?.kinds ?? []), ...(changes?.kinds ?? [])]),
        at: queued?.at || changes?.at || Date.now(),
      };
      building ??= loop().finally(() => (building = undefined));
      return building;
    },
    snapshot,
    async pageDocument(pageId) {
      const entry = pages.get(pageId);
      if (!entry) return undefined;
      if (entry.held) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, DOC_WAIT_MS);
          entry.waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return entry.html;
    },
    thumbnail: (pageId) => pages.get(pageId)?.thumbnail,
    async idle() {
      while (building || pumping) await (building ?? pumping);
    },
    close() {
      closed = true;
      for (const entry of pages.values()) markReady(entry);
    },
  };
}

function gridOf(prepared: PreparedEdition): PreviewGrid {
  const { grid, config } = prepared.edition;
  return {
    pageWidthPt: grid.pageWidthPt,
    pageHeightPt: grid.pageHeightPt,
    typeArea: grid.typeArea,
    columns: grid.columns,
    rows: grid.rows,
    columnWidthPt: grid.columnWidthPt,
    gutterPt: grid.gutterPt,
    linePitchPt: grid.linePitchPt,
    bodySizePt: grid.bodySizePt,
    bleedMm: config.bleed,
  };
}
