import { describe, expect, it } from 'vitest';
import type { LoadedPage } from '../../src/edition/load-edition.js';
import { jumpGraph } from '../../src/edition/jump-graph.js';

/** Pages as the loader gives them, reduced to what jumps read: ids and `continue` targets. */
function pages(spec: Record<string, Record<string, string | undefined>>): LoadedPage[] {
  return Object.entries(spec).map(([id, stories]) => ({
    config: { id },
    stories: Object.entries(stories).map(([story, target]) => ({ id: story, config: target ? { continue: { page: target } } : {} })),
    failedStories: [],
  })) as unknown as LoadedPage[];
}

describe('the jump graph', () => {
  it('puts a page after the pages it continues, even against edition order', () => {
    const graph = jumpGraph(pages({ A1: { lead: 'A4' }, A2: {}, A3: { feature: 'A2' }, A4: {} }));
    expect(graph.order).toEqual(['A1', 'A3', 'A2', 'A4']);
    expect(graph.sourcesOf('A2')).toEqual(['A3']);
    expect(graph.groups).toEqual([['A1', 'A4'], ['A2', 'A3']]);
  });

  it('gives every page once in a cycle, and ignores jumps to missing pages', () => {
    const graph = jumpGraph(pages({ A1: { a: 'A2' }, A2: { b: 'A1', c: 'B9' } }));
    // A1 waits for A2; A2's wait for A1 is the edge that closes the cycle, and is dropped.
    expect(graph.order).toEqual(['A2', 'A1']);
    expect([...graph.outgoing('A2')]).toEqual([['b', 'A1']]);
    expect(graph.groups).toEqual([['A1', 'A2']]);
  });
});
