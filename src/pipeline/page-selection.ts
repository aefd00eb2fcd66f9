import type { Edition } from '../edition/load-edition.js';

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
