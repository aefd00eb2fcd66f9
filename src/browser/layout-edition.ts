import { fitStory } from './fit-story.js';
import { PX_PER_PT, readGrid, type BrowserGrid } from './geometry.js';
import { layoutAuto, layoutStack } from './layout-stack.js';
import { layoutPass, PLAIN, storySource, type Copyfit, type StoryPass, type StorySource } from './layout-story.js';
import type { LineFix } from './typography/index.js';
import { isWholeBlock } from './place-blocks.js';
import { columnProbe } from './probe.js';
import { charsToAdd } from './write-to-fit.js';

const textLength = (blocks: Element[]) => blocks.reduce((n, b) => n + (b.textContent ?? '').replace(/\s+/g, '').length, 0);

/**
 * Lay out every story of the document. Main parts go first; what overflows a story with a
 * jump is handed to its continuation box on the other page, which is laid out after.
 */
export interface EditionLayout {
  copyfit: Copyfit[];
  /** Blocks handed to a continuation box in another document, as HTML, by story id. */
  handover: Record<string, string>;
  /** Paragraphs that ended with a lone character, and what the line rules did about it. */
  lineFixes: LineFix[];
  /** Every story part as laid out, kept so a part can be laid out again (the layout desk). */
  sources: StorySource[];
}

export interface LayoutOptions {
  /** Apply the line rules that need the browser (default on; off only to show what they prevent). */
  lineRules?: boolean;
}

export function layoutEdition(doc: Document, options: LayoutOptions = {}): EditionLayout {
  const grid = readGrid(doc);
  const results: Copyfit[] = [];
  const handedOver = new Map<HTMLElement, HTMLElement[]>();
  const handover: Record<string, string> = {};
  const lineFixes: LineFix[] = [];
  const sources: StorySource[] = [];
  const stories = [...doc.querySelectorAll<HTMLElement>('.story[data-story]')];
  const ordered = [...stories.filter((s) => s.dataset.part !== 'cont'), ...stories.filter((s) => s.dataset.part === 'cont')];
  const sourceOf = (el: HTMLElement): StorySource => {
    const source = el.querySelector<HTMLElement>(':scope > .source');
    const blocks = source ? ([...source.children] as HTMLElement[]) : handedOver.get(el) ?? [];
    const made = storySource(el, blocks, options.lineRules !== false);
    source?.remove();
    sources.push(made);
    return made;
  };
  const stacksDone = new Set<string>();
  const dataOf = new Map(ordered.map((el) => [el, JSON.parse(el.dataset.layout ?? '{}') as StorySource['data']]));

  const record = (source: StorySource, pass: StoryPass) => {
    const { el, data } = source;
    lineFixes.push(...pass.lineFixes);
    const result = copyfitOf(source, pass, grid);
    if (pass.jumped && data.jumpTo) {
      // The continuation is in this document (preview of a whole edition) or in another one.
      const continuation = findContinuation(doc, el, data.jumpTo.page);
      if (continuation) handedOver.set(continuation, pass.rest);
      else handover[result.story] = pass.rest.map((b) => b.outerHTML).join('');
    }
    results.push(result);
  };

  for (const el of ordered) {
    const data = dataOf.get(el)!;
    if (data.stack) {
      if (stacksDone.has(data.stack.id)) continue;
      stacksDone.add(data.stack.id);
      const id = data.stack.id;
      const members = ordered.filter((s) => dataOf.get(s)!.stack?.id === id).map(sourceOf);
      const passes = layoutStack(members, grid, data.stack.box, data.fit);
      members.forEach((member, i) => record(member, passes[i]!));
      continue;
    }
    const source = sourceOf(el);
    record(source, layoutStoryBox(source, grid));
  }
  return { copyfit: results, handover, lineFixes, sources };
}

/** A story not in a stack, at its box: `rows: auto`, a jump, or fitted to the box. */
export function layoutStoryBox(source: StorySource, grid: BrowserGrid): StoryPass {
  const { data } = source;
  if (data.auto) return layoutAuto(source, grid, data.auto.maxRows, data.fit);
  if (!data.jumpTo) return fitStory(source, grid, data.fit);
  const pass = layoutPass(source, grid, PLAIN);
  // A jumping story ends with its bottom boxes: they go on to the continuation.
  return pass.jumped && source.blocks.some(isWholeBlock) ? layoutPass(source, grid, PLAIN, { deferBottom: true }) : pass;
}

export function copyfitOf(source: StorySource, pass: StoryPass, grid: BrowserGrid): Copyfit {
  const { el, data } = source;
  const result: Copyfit = {
    story: el.dataset.story ?? '',
    part: el.dataset.part === 'cont' ? 'cont' : 'main',
    page: el.closest<HTMLElement>('.pw-page')?.dataset.page ?? '',
    file: el.dataset.file ?? '',
    overset: pass.jumped ? { chars: 0, lines: 0, text: '' } : measureOverset(el, grid, [...pass.rest, ...pass.unplaced.map((u) => u.block)]),
    short: { lines: pass.short },
    box: { ...data.box },
    layout: { passes: source.passes, ms: Math.round(source.ms) },
  };
  // What a jump hands on, for the build and for the desk's live numbers alike.
  if (pass.jumped && data.jumpTo) {
    result.continuedOn = data.jumpTo.page;
    result.jumpedChars = textLength(pass.rest);
  }
  const { trackingEm, headlineSteps, figureLines, spacingLines } = pass.settings;
  const fitted = Object.fromEntries(Object.entries({ trackingEm, headlineSteps, figureLines, spacingLines }).filter(([, v]) => v !== 0));
  if (Object.keys(fitted).length > 0) result.fitted = fitted;
  if (result.overset.chars > 0) result.writeToFit = { cut: result.overset.chars };
  else if (pass.short > 1 && !pass.jumped) result.writeToFit = { add: charsToAdd(pass, grid) };
  if (pass.headline?.naturalPt) {
    const { sizePt, naturalPt, lines, overflow, vertical } = pass.headline;
    // A vertical head's rectangle, in page grid units like `box`.
    const at = vertical && { col: data.box.col + vertical.col, cols: vertical.cols, row: data.box.row + vertical.row, rows: vertical.rows };
    result.headline = { sizePt, naturalPt, lines, ...(overflow ? { overflow } : {}), ...(at ? { vertical: at } : {}) };
  }
  if (pass.unplaced.length > 0) {
    result.blocks = pass.unplaced.map((u) => ({ message: u.message, rule: u.rule, src: u.src ?? u.block.dataset.src ?? u.block.querySelector<HTMLElement>('[data-src]')?.dataset.src }));
  }
  return result;
}

function findContinuation(doc: Document, el: HTMLElement, page: string): HTMLElement | undefined {
  const selector = `.pw-page[data-page="${CSS.escape(page)}"] .story[data-part="cont"][data-story="${CSS.escape(el.dataset.story ?? '')}"]`;
  return doc.querySelector<HTMLElement>(selector) ?? undefined;
}

/** Count what did not fit, mark it on the proof, and take it off the page. */
export function measureOverset(el: HTMLElement, grid: BrowserGrid, rest: HTMLElement[]): Copyfit['overset'] {
  if (rest.length === 0) return { chars: 0, lines: 0, text: '' };
  const probe = columnProbe(el, 'overset-probe');
  probe.append(...rest);
  const lines = Math.round(probe.getBoundingClientRect().height / (grid.linePitchPt * PX_PER_PT));
  const text = rest.map((b) => b.textContent ?? '').join('\n');
  probe.remove();
  const chars = text.replace(/\s+/g, '').length;
  const mark = el.ownerDocument.createElement('div');
  mark.className = 'overset-mark pw-generated';
  mark.textContent = `超版 ${chars}字／${lines}行`;
  el.append(mark);
  return { chars, lines, text };
}
