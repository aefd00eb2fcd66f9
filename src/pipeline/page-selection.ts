import type { Edition } from '../edition/load-edition.js';

/** Pages joined by jumps: a story's continuation needs the page it comes from. */
export function jumpGroups(edition: Edition): string[][] {
  const ids = edition.pages.map((p) => p.config.id);
  const parent = new Map(ids.map((id) => [id, id]));
  const find = (id: string): string => (parent.get(id) === id ? id : find(parent.get(id)!));
  for (const page of edition.pages) {
    for (const story of page.stories) {
      const target = story.config.continue?.page;
      if (target && parent.has(target)) parent.set(find(target), find(page.config.id));
    }
  }
  const groups = new Map<string, string[]>();
  for (const id of ids) groups.set(find(id), [...(groups.get(find(id)) ?? []), id]);
  return [...groups.values()];
}

/**
 * A deterministic share of the pages for `--shard K/N`: whole jump groups, dealt out in
 * edition order, so every shard can lay out its jumps alone and the shards never overlap.
 */
export function shardPages(edition: Edition, shard: number, of: number): string[] {
  return jumpGroups(edition)
    .filter((_, index) => index % of === shard - 1)
    .flat();
}

/** `--pages A4` still needs A1 laid out when A1's lead jumps to A4: add jump sources. */
export function withJumpSources(edition: Edition, pages: string[]): string[] {
  const wanted = new Set(pages);
  return jumpGroups(edition)
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
