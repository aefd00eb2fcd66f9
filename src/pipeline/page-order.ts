import type { Edition } from '../edition/load-edition.js';

/**
 * Pages in an order where every page that a story jumps from comes before the page it
 * jumps to, since the continuation's text is what the first page could not hold.
 * Otherwise the edition's own order is kept.
 */
export function pageRenderOrder(edition: Edition): string[] {
  const ids = edition.pages.map((p) => p.config.id);
  const sources = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]));
  for (const page of edition.pages) {
    for (const story of page.stories) {
      const target = story.config.continue?.page;
      if (target && target !== page.config.id) sources.get(target)?.add(page.config.id);
    }
  }
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (id: string) => {
    if (order.includes(id) || visiting.has(id)) return; // a jump cycle: keep edition order
    visiting.add(id);
    for (const source of sources.get(id) ?? []) visit(source);
    visiting.delete(id);
    order.push(id);
  };
  ids.forEach(visit);
  return order;
}
