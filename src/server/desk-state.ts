import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import type { VFile } from 'vfile';
import { boxInsideGrid, type GridBox } from '../edition/grid.js';
import { loadEdition, type Edition } from '../edition/load-edition.js';
import { readTextFile } from '../edition/read-text-file.js';
import { pageTemplateLayout } from '../edition/page-templates.js';
import { placedFiles } from './desk-edits.js';
import type { DeskBox, DeskState, TrayStory } from './desk-types.js';

export const sha256 = (text: string | Uint8Array) => createHash('sha256').update(text).digest('hex');

export interface LoadedLayout {
  edition?: Edition;
  /** Fatal messages on edition.yaml, as text. */
  errors: string[];
}

/** Load the edition as it would be with edition.yaml's text `text` (nothing is written). */
export async function loadLayout(editionDir: string, text: string): Promise<LoadedLayout> {
  const { edition, files } = await loadEdition(editionDir, { configText: text });
  const config = files[0] as VFile;
  return { edition, errors: config.messages.filter((m) => m.fatal === true).map((m) => m.reason) };
}

/** Every placement of every page, as the desk draws and moves them. */
export function deskBoxes(edition: Edition): Record<string, DeskBox[]> {
  const pages: Record<string, DeskBox[]> = {};
  for (const page of edition.pages) {
    const id = page.config.id;
    const boxes: DeskBox[] = pageTemplateLayout(page.config.template, edition.grid).reserved.map((r) => ({
      key: `reserved-${r.name}`, kind: 'reserved', label: r.name, box: r.box, stories: [],
    }));
    // Supplied ads are placed as delivered: the desk keeps clear of them.
    page.config.ads.forEach((ad, i) => boxes.push({ key: `ad-${i}`, kind: 'reserved', label: `广告 ad ${ad.client ?? ad.file}`, box: ad.box, stories: [] }));
    const stacks = new Map<string, DeskBox>();
    for (const story of page.stories) {
      const { config } = story;
      if (config.stack) {
        const key = config.stack.id;
        const stack = stacks.get(key) ?? {
          key, kind: 'stack', label: `栏组 stack (${config.stack.count})`, target: { kind: 'stack', file: config.file },
          box: config.stack.box, stories: [], files: [], stackId: `${id}-${config.stack.id}`,
        };
        stack.stories.push(story.id);
        stack.files!.push(config.file);
        stacks.set(key, stack);
        if (stack.stories.length === 1) boxes.push(stack);
      } else {
        boxes.push({ key: `story-${story.id}`, kind: 'story', label: story.frontMatter.title, target: { kind: 'story', file: config.file }, box: story.box, auto: story.auto, stories: [story.id], files: [config.file], continues: config.continue?.page });
      }
      (config.figures ?? []).forEach((figure, index) => {
        boxes.push({ key: `figure-${story.id}-${index}`, kind: 'figure', label: `图 ${index + 1} figure`, target: { kind: 'figure', file: config.file, index }, box: figure, stories: [story.id], within: story.box });
      });
    }
    pages[id] = boxes;
  }
  for (const page of edition.pages) {
    for (const story of page.stories) {
      const jump = story.config.continue;
      if (!jump || !pages[jump.page]) continue;
      pages[jump.page]!.push({ key: `continue-${story.id}`, kind: 'continue', label: `接 ${story.frontMatter.title}`, target: { kind: 'continue', file: story.config.file }, box: jump.box, stories: [story.id] });
    }
  }
  return pages;
}

/** A figure must stay inside its story's box and on the grid (the loader does not check figures). */
export function figureProblems(edition: Edition): string[] {
  const inside = (outer: GridBox, inner: GridBox) =>
    inner.col >= outer.col && inner.row >= outer.row && inner.col + inner.cols <= outer.col + outer.cols && inner.row + inner.rows <= outer.row + outer.rows;
  return edition.pages.flatMap((page) =>
    page.stories.flatMap((story) =>
      (story.config.figures ?? []).flatMap((figure, i) =>
        inside(story.box, figure) && boxInsideGrid(edition.grid, figure) ? [] : [`Figure ${i + 1} of \`${story.config.file}\` on ${page.config.id} leaves its story's box`],
      ),
    ),
  );
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;
const MAX_TRAY = 200;

/** Markdown files of the edition folder (and its subfolders) that no page places. */
export async function readTray(editionDir: string, text: string): Promise<TrayStory[]> {
  let placed = new Set<string>();
  try {
    placed = placedFiles(parse(text) ?? {});
  } catch {
    // An edition.yaml that does not parse places nothing the tray can know of.
  }
  const entries = await readdir(editionDir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith('.md'))
    .map((e) => relative(editionDir, join(e.parentPath, e.name)).split('\\').join('/'))
    .filter((f) => !f.split('/').some((segment) => segment.startsWith('.')) && !placed.has(f) && f.toLowerCase() !== 'readme.md')
    .sort()
    .slice(0, MAX_TRAY);
  const tray: TrayStory[] = [];
  for (const file of files) {
    let content: string;
    try {
      content = await readTextFile(join(editionDir, file));
    } catch {
      continue; // unreadable or too large: the build reports it when it is placed
    }
    const match = FRONT_MATTER.exec(content);
    let title = file;
    try {
      const fm = match ? (parse(match[1]!) as { title?: unknown } | null) : null;
      if (typeof fm?.title === 'string') title = fm.title;
    } catch {
      // A broken front matter still lists the file, by name.
    }
    const body = match ? content.slice(match[0].length) : content;
    tray.push({ file, title, chars: body.replace(/[\s#>*_`|\-[\]()!]/g, '').length });
  }
  return tray;
}

/** The desk's view of edition.yaml's text. */
export async function deskState(editionDir: string, text: string, flags: { canUndo: boolean; canRedo: boolean }): Promise<DeskState> {
  const [layout, tray] = await Promise.all([loadLayout(editionDir, text), readTray(editionDir, text)]);
  const grid = layout.edition?.grid;
  return {
    hash: sha256(text),
    ...flags,
    columns: grid?.columns ?? 0,
    rows: grid?.rows ?? 0,
    pages: layout.edition ? deskBoxes(layout.edition) : {},
    tray,
    error: layout.edition ? undefined : layout.errors[0] ?? 'edition.yaml cannot be read',
  };
}
