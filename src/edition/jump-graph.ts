import type { LoadedPage, LoadedStory } from './load-edition.js';

/** A story continued onto a page, with the page it comes from. */
export interface IncomingJump {
  from: string;
  story: LoadedStory;
}

/**
 * Which pages a story's `continue` joins, worked out once when the edition loads: the
 * render order, the pages a page must wait for, and the groups that shards and `--pages`
 * keep together. A story continued on its own page joins nothing.
 */
export interface JumpGraph {
  /** Pages whose stories continue on `pageId`, in edition order. */
  sourcesOf(pageId: string): string[];
  /** The stories continued on `pageId`. */
  incoming(pageId: string): IncomingJump[];
  /** Story id → target page, for the stories of `pageId` that jump. */
  outgoing(pageId: string): Map<string, string>;
  /** Every page after the pages its jumps come from, otherwise in edition order; in a cycle the edge that closes it is dropped. */
  order: string[];
  /** Pages joined by jumps, each group in edition order, groups in the order of their first page. */
  groups: string[][];
}

export function jumpGraph(pages: LoadedPage[]): JumpGraph {
  const ids = pages.map((p) => p.config.id);
  const incoming = new Map<string, IncomingJump[]>(ids.map((id) => [id, []]));
  const outgoing = new Map<string, Map<string, string>>(ids.map((id) => [id, new Map()]));
  for (const page of pages) {
    for (const story of page.stories) {
      const target = story.config.continue?.page;
      if (!target || target === page.config.id || !incoming.has(target)) continue;
      incoming.get(target)!.push({ from: page.config.id, story });
      outgoing.get(page.config.id)!.set(story.id, target);
    }
  }
  const sourcesOf = (id: string) => [...new Set((incoming.get(id) ?? []).map((jump) => jump.from))];
  return {
    sourcesOf,
    incoming: (id) => incoming.get(id) ?? [],
    outgoing: (id) => outgoing.get(id) ?? new Map(),
    order: renderOrder(ids, sourcesOf),
    groups: joinedGroups(ids, outgoing),
  };
}

function renderOrder(ids: string[], sourcesOf: (id: string) => string[]): string[] {
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (id: string) => {
    if (order.includes(id) || visiting.has(id)) return; // a jump cycle: drop the closing edge
    visiting.add(id);
    for (const source of sourcesOf(id)) visit(source);
    visiting.delete(id);
    order.push(id);
  };
  ids.forEach(visit);
  return order;
}

function joinedGroups(ids: string[], outgoing: Map<string, Map<string, string>>): string[][] {
  const parent = new Map(ids.map((id) => [id, id]));
  const find = (id: string): string => (parent.get(id) === id ? id : find(parent.get(id)!));
  for (const [from, jumps] of outgoing) for (const target of jumps.values()) parent.set(find(target), find(from));
  const groups = new Map<string, string[]>();
  for (const id of ids) groups.set(find(id), [...(groups.get(find(id)) ?? []), id]);
  return [...groups.values()];
}
