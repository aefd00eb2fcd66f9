import type { Edition, LoadedPage } from '../edition/load-edition.js';
import { pageError, type ReportMessage } from '../report/messages.js';

/**
 * A deterministic share of the pages for `--shard K/N`: whole jump groups, dealt out in
 * edition order, so every shard can lay out its jumps alone and the shards never overlap.
 */
export function shardPages(edition: Edition, shard: number, of: number): string[] {
  return edition.jumps.groups
    .filter((_, index) => index % of === shard - 1)
    .flat();
}

/** `--pages A4` still needs A1 laid out when A1's lead jumps to A4: add jump sources. */
export function withJumpSources(edition: Edition, pages: string[]): string[] {
  const wanted = new Set(pages);
  return edition.jumps.groups
    .filter((group) => group.some((id) => wanted.has(id)))
    .flat();
}

export function parseShard(text: string): { shard: number; of: number } | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (!match) return undefined;
  const shard = Number(match[1]);
  const of = Number(match[2]);
  return shard >= 1 && of >= 1 && shard <= of ? { shard, of } : undefined;
}

export interface PageSelection {
  /** Ids of the pages to build, in edition order. */
  ids: string[];
  pages: LoadedPage[];
  /** Every page of the edition: the proof may take the edition's own name. */
  whole: boolean;
  /** `--pages` named pages the edition does not have. */
  messages: ReportMessage[];
}

/** The pages a build makes: a `--shard`, the `--pages` with their jump sources, or all. */
export function selectPages(edition: Edition, wanted: { pages?: string[]; shard?: { shard: number; of: number } }): PageSelection {
  const unknown = (wanted.pages ?? []).filter((id) => !edition.pages.some((p) => p.config.id === id));
  const messages = unknown.length > 0 ? [pageError('', `No page ${unknown.join(', ')} in the edition`, 'unknown-page')] : [];
  const ids = wanted.shard
    ? shardPages(edition, wanted.shard.shard, wanted.shard.of)
    : wanted.pages
      ? withJumpSources(edition, wanted.pages)
      : edition.pages.map((p) => p.config.id);
  const pages = edition.pages.filter((p) => ids.includes(p.config.id));
  return { ids, pages, whole: pages.length === edition.pages.length, messages };
}
