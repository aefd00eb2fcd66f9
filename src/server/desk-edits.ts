import { z } from 'zod';
import { parse } from 'yaml';
import type { GridBox } from '../edition/grid.js';
import type { YamlBox, YamlChange, YamlPath } from './desk-yaml.js';

/**
 * What the layout desk may ask for: placement changes only. Boxes are named by the story
 * file they belong to, never by a path, and every request names the file's hash as the page
 * loaded it.
 */
const count = z.number().int().min(1).max(999);
const hash = z.string().regex(/^[0-9a-f]{64}$/, 'expected the sha256 of edition.yaml as loaded');
const file = z.string().min(1).max(300);
const page = z.string().regex(/^[A-Z]\d{1,3}$/);
const box = z.strictObject({ col: count, cols: count, row: count, rows: z.union([count, z.literal('auto')]) });

const target = z.discriminatedUnion('kind', [
  /** A story's own box. */
  z.strictObject({ kind: z.literal('story'), file }),
  /** A stack, named by its first story. */
  z.strictObject({ kind: z.literal('stack'), file }),
  /** One of a story's placed figures. */
  z.strictObject({ kind: z.literal('figure'), file, index: z.number().int().min(0).max(99) }),
  /** The box a story continues in (on `page`). */
  z.strictObject({ kind: z.literal('continue'), file }),
]);

export const deskRequestSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('place'), hash, page, target, box }),
  /**
   * Place a story no page has yet: as a `rows: auto` box at a cell, at the end of a stack, or
   * onto a boxed story, the two then a stack in that story's box.
   */
  z.strictObject({
    op: z.literal('add'),
    hash,
    page,
    file,
    at: z.union([z.strictObject({ col: count, cols: count, row: count }), z.strictObject({ stack: file }), z.strictObject({ story: file })]),
  }),
  /** An overset story goes on in a new box on another page (转版): `continue` is written. */
  z.strictObject({ op: z.literal('continue'), hash, page, file, box: z.strictObject({ col: count, cols: count, row: count, rows: count }) }),
  z.strictObject({ op: z.literal('undo'), hash }),
  z.strictObject({ op: z.literal('redo'), hash }),
]);

export type DeskRequest = z.infer<typeof deskRequestSchema>;
export type DeskTarget = z.infer<typeof target>;
export type PlacementRequest = Extract<DeskRequest, { op: 'place' | 'add' | 'continue' }>;

interface RawStory {
  file?: string;
  box?: unknown;
  slot?: string;
  continue?: { page?: string; box?: unknown };
  figures?: unknown[];
  stack?: unknown;
  stories?: RawStory[];
}

interface RawEdition {
  pages?: { id?: string; stories?: RawStory[] }[];
}

export class DeskRefusal extends Error {}

/** Every story file edition.yaml places, stacked ones too. */
export function placedFiles(config: RawEdition): Set<string> {
  const files = new Set<string>();
  for (const p of config.pages ?? []) {
    for (const entry of p.stories ?? []) {
      if (entry.file) files.add(entry.file);
      for (const member of entry.stories ?? []) if (member.file) files.add(member.file);
    }
  }
  return files;
}

/** A placed story's box as the loader resolved it (a slot's cells, `rows: auto`'s reach). */
export type ResolvedBox = (page: string, file: string) => GridBox | undefined;

/**
 * The one change to edition.yaml a placement request makes. Refused (DeskRefusal) when the
 * page or box is not in the file, or the request is not a placement of that page.
 */
export function changeFor(text: string, request: PlacementRequest, resolved: ResolvedBox): YamlChange {
  const config = (parse(text) ?? {}) as RawEdition;
  if (request.op === 'continue') return continueChange(config, request);
  const pageIndex = (config.pages ?? []).findIndex((p) => p.id === request.page);
  if (pageIndex < 0) throw new DeskRefusal(`No page ${request.page} in edition.yaml`);
  const stories = config.pages![pageIndex]!.stories ?? [];
  const at = (...rest: YamlPath): YamlPath => ['pages', pageIndex, 'stories', ...rest];
  if (request.op === 'add') {
    if (placedFiles(config).has(request.file)) throw new DeskRefusal(`\`${request.file}\` is already placed; move its box instead`);
    if ('stack' in request.at) {
      const stackAt = request.at.stack;
      const index = stories.findIndex((s) => s.stack && s.stories?.[0]?.file === stackAt);
      if (index < 0) throw new DeskRefusal(`No stack of \`${stackAt}\` on ${request.page}`);
      return { kind: 'append', path: at(index, 'stories'), entry: { file: request.file } };
    }
    if ('story' in request.at) {
      const onto = request.at.story;
      const index = stories.findIndex((s) => !s.stack && s.file === onto);
      const box = resolved(request.page, onto);
      if (index < 0 || !box) throw new DeskRefusal(`No boxed story \`${onto}\` on ${request.page}`);
      // The story keeps what is its own (continue, figures, headline); the box becomes the stack's.
      const own = Object.fromEntries(Object.entries(stories[index]!).filter(([key]) => key !== 'box' && key !== 'slot'));
      const stack = { col: box.col, cols: box.cols, row: box.row, rows: box.rows };
      return { kind: 'replace', path: at(index), entry: { stack, stories: [own, { file: request.file }] } };
    }
    const { col, cols, row } = request.at;
    return { kind: 'append', path: at(), entry: { file: request.file, box: { col, cols, row, rows: 'auto' } } };
  }
  const { target, box } = request;
  const numeric = (what: string): YamlBox => {
    if (box.rows === 'auto') throw new DeskRefusal(`${what} needs a number of rows, not \`auto\``);
    return box;
  };
  const members = stories.flatMap((entry, i) => (entry.stack ? (entry.stories ?? []).map((m, j) => ({ story: m, path: at(i, 'stories', j) })) : [{ story: entry, path: at(i) }]));
  switch (target.kind) {
    case 'story': {
      const index = stories.findIndex((s) => !s.stack && s.file === target.file);
      if (index < 0) throw new DeskRefusal(`No boxed story \`${target.file}\` on ${request.page}`);
      return { kind: 'set-box', path: at(index, 'box'), box, remove: stories[index]!.slot !== undefined ? ['slot'] : [] };
    }
    case 'stack': {
      const index = stories.findIndex((s) => s.stack && s.stories?.[0]?.file === target.file);
      if (index < 0) throw new DeskRefusal(`No stack of \`${target.file}\` on ${request.page}`);
      return { kind: 'set-box', path: at(index, 'stack'), box: numeric('A stack') };
    }
    case 'figure': {
      const member = members.find((m) => m.story.file === target.file);
      if (!member || !member.story.figures?.[target.index]) throw new DeskRefusal(`No figure ${target.index + 1} of \`${target.file}\` on ${request.page}`);
      return { kind: 'set-box', path: [...member.path, 'figures', target.index], box: numeric('A figure') };
    }
    case 'continue': {
      // The continuation box sits on this page; the story that jumps to it may be on any page.
      for (const [pi, p] of (config.pages ?? []).entries()) {
        for (const [si, entry] of (p.stories ?? []).entries()) {
          const found = [{ story: entry, path: ['pages', pi, 'stories', si] as YamlPath }, ...(entry.stories ?? []).map((m, j) => ({ story: m, path: ['pages', pi, 'stories', si, 'stories', j] as YamlPath }))]
            .find((m) => m.story.file === target.file && m.story.continue?.page === request.page);
          if (found) return { kind: 'set-box', path: [...found.path, 'continue', 'box'], box: numeric('A continuation') };
        }
      }
      throw new DeskRefusal(`No continuation of \`${target.file}\` on ${request.page}`);
    }
  }
}

/** `continue: {page, box}` on the story, wherever it is placed; the box is on `request.page`. */
function continueChange(config: RawEdition, request: Extract<DeskRequest, { op: 'continue' }>): YamlChange {
  if (!(config.pages ?? []).some((p) => p.id === request.page)) throw new DeskRefusal(`No page ${request.page} in edition.yaml`);
  for (const [pi, p] of (config.pages ?? []).entries()) {
    for (const [si, entry] of (p.stories ?? []).entries()) {
      const candidates = [{ story: entry, path: ['pages', pi, 'stories', si] as YamlPath }, ...(entry.stories ?? []).map((m, j) => ({ story: m, path: ['pages', pi, 'stories', si, 'stories', j] as YamlPath }))];
      const found = candidates.find((c) => c.story.file === request.file && !c.story.stack);
      if (!found) continue;
      if (found.story.continue) throw new DeskRefusal(`\`${request.file}\` already continues on ${found.story.continue.page}; move that box instead`);
      return { kind: 'add-key', path: found.path, key: 'continue', value: { page: request.page, box: request.box } };
    }
  }
  throw new DeskRefusal(`\`${request.file}\` is not placed on any page`);
}
