import { PX_PER_PT } from './geometry.js';
import { splitBlock } from './split-block.js';

const HEADINGS = /^H[1-6]$/;

/**
 * Pour `blocks` into `frames` in order, splitting a block where a frame ends.
 * Returns the blocks that did not fit (the overset), in order.
 */
export function flowIntoFrames(blocks: HTMLElement[], frames: HTMLElement[], pitchPx: number): HTMLElement[] {
  const queue = [...blocks];
  const charsPerLine = frames[0] ? charsPerLineOf(frames[0]) : 1;
  for (const frame of frames) {
    if (queue.length === 0) break;
    const heightPx = styledPx(frame, 'height');
    if (heightPx < pitchPx / 2) continue;
    fillFrame(frame, heightPx / pitchPx, queue, pitchPx, charsPerLine);
  }
  return queue;
}

/**
 * The frame's height or width as its style sets it (frames are positioned in pt), so that
 * deciding which frames to fill needs no layout; the rendered size when the style gives none.
 */
function styledPx(frame: HTMLElement, side: 'height' | 'width'): number {
  const match = /^(-?[\d.]+)pt$/.exec(frame.style[side]);
  return match ? Number(match[1]) * PX_PER_PT : frame.getBoundingClientRect()[side];
}

/** Per story and frame width: reading the font size after a change would cost a style pass. */
const knownCharsPerLine = new WeakMap<Element, Map<number, number>>();

/** Full-width characters a frame's line holds: enough to choose a batch, never to break a line. */
function charsPerLineOf(frame: HTMLElement): number {
  const width = styledPx(frame, 'width');
  const story = frame.parentElement ?? frame;
  const known = knownCharsPerLine.get(story) ?? new Map<number, number>();
  knownCharsPerLine.set(story, known);
  const cached = known.get(width);
  if (cached !== undefined) return cached;
  const chars = Math.max(1, Math.floor(width / parseFloat(getComputedStyle(frame).fontSize)));
  known.set(width, chars);
  return chars;
}

/**
 * Blocks go in by the batch that should about fill the room left, and are measured together:
 * a block's bottom does not depend on the blocks after it, so this finds the same block to
 * split as adding them one by one, at one layout a batch instead of one a block.
 */
function fillFrame(frame: HTMLElement, roomLines: number, queue: HTMLElement[], pitchPx: number, charsPerLine: number): void {
  let room = roomLines;
  while (queue.length > 0) {
    const batch = takeBatch(queue, room, charsPerLine);
    frame.append(...batch);
    const limit = frame.getBoundingClientRect().bottom;
    const lastBottom = batch[batch.length - 1]!.getBoundingClientRect().bottom;
    if (lastBottom <= limit + 0.5) {
      room = (limit - lastBottom) / pitchPx;
      continue;
    }
    const over = batch.findIndex((b) => b.getBoundingClientRect().bottom > limit + 0.5);
    const block = batch[over]!;
    const after = batch.slice(over + 1);
    for (const later of after) later.remove();
    queue.unshift(...after);
    const rest = splitBlock(block, limit);
    if (rest) {
      queue.unshift(rest);
    } else {
      // Nothing of it fits: it waits for the next frame (or ends up as reported overset).
      block.remove();
      queue.unshift(block);
    }
    keepHeadingWithText(frame, queue, pitchPx);
    return;
  }
}

/**
 * Blocks from the head of `queue` whose text should fill `roomLines` lines, with the block
 * that should cross the frame's end: a frame then usually takes one batch.
 */
function takeBatch(queue: HTMLElement[], roomLines: number, charsPerLine: number): HTMLElement[] {
  const batch: HTMLElement[] = [];
  let lines = 0;
  while (queue.length > 0 && (batch.length === 0 || lines < roomLines)) {
    const block = queue.shift()!;
    lines += estimatedLines(block, charsPerLine);
    batch.push(block);
  }
  return batch;
}

/** Lines a block's text takes at full-width characters. */
function estimatedLines(block: HTMLElement, charsPerLine: number): number {
  return Math.max(1, Math.ceil((block.textContent ?? '').length / charsPerLine));
}

/**
 * A crosshead is never the last thing in a frame, and has at least two lines of its text
 * below it: otherwise it moves to the next frame with what follows it.
 */
function keepHeadingWithText(frame: HTMLElement, queue: HTMLElement[], pitchPx: number): void {
  const children = [...frame.children] as HTMLElement[];
  const last = children[children.length - 1];
  const before = children[children.length - 2];
  if (last && HEADINGS.test(last.tagName) && children.length > 1) {
    last.remove();
    queue.unshift(last);
    return;
  }
  if (!last || !before || !HEADINGS.test(before.tagName) || children.length < 3) return;
  if (last.getBoundingClientRect().height >= 2 * pitchPx - 1) return;
  const next = queue[0];
  if (next && last.classList.contains('split-after') && next.classList.contains('split-before')) {
    queue.shift();
    rejoin(last, next);
  }
  last.remove();
  before.remove();
  queue.unshift(before, last);
}

/** Put the two parts of a split block back together. */
function rejoin(first: HTMLElement, rest: HTMLElement): void {
  const firstLast = first.lastElementChild as HTMLElement | null;
  const restFirst = rest.firstElementChild as HTMLElement | null;
  // A split container holds the split child's two parts: join those, then the other children.
  if (restFirst?.classList.contains('split-before') && firstLast?.classList.contains('split-after')) {
    rest.removeChild(restFirst);
    rejoin(firstLast, restFirst);
  }
  first.append(...rest.childNodes);
  first.classList.remove('split-after');
  if (!rest.classList.contains('split-after')) return;
  first.classList.add('split-after');
}

/** Body lines the frames' content takes. */
export function usedLines(frames: HTMLElement[], pitchPx: number): number {
  let lines = 0;
  for (const frame of frames) {
    const box = frame.getBoundingClientRect();
    const last = frame.lastElementChild;
    if (last) lines += Math.round((last.getBoundingClientRect().bottom - box.top) / pitchPx);
  }
  return lines;
}
