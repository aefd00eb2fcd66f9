import { splitBlock } from './split-block.js';

const HEADINGS = /^H[1-6]$/;

/**
 * Pour `blocks` into `frames` in order, splitting a block where a frame ends.
 * Returns the blocks that did not fit (the overset), in order.
 */
export function flowIntoFrames(blocks: HTMLElement[], frames: HTMLElement[], pitchPx: number): HTMLElement[] {
  const queue = [...blocks];
  for (const frame of frames) {
    if (queue.length === 0) break;
    if (frame.getBoundingClientRect().height < pitchPx / 2) continue;
    fillFrame(frame, queue, pitchPx);
  }
  return queue;
}

function fillFrame(frame: HTMLElement, queue: HTMLElement[], pitchPx: number): void {
  const box = frame.getBoundingClientRect();
  const limit = box.bottom;
  const charsPerLine = Math.max(1, Math.floor(box.width / parseFloat(getComputedStyle(frame).fontSize)));
  while (queue.length > 0) {
    // Blocks go in by the batch that should about fill the room left, and are measured
    // together: a block's bottom does not depend on the blocks after it, so this finds the
    // same block to split as adding them one by one, in one layout instead of one a block.
    const bottom = frame.lastElementChild?.getBoundingClientRect().bottom ?? box.top;
    const batch = takeBatch(queue, (limit - bottom) / pitchPx, charsPerLine);
    frame.append(...batch);
    if (batch[batch.length - 1]!.getBoundingClientRect().bottom <= limit + 0.5) continue;
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

/** Blocks from the head of `queue` whose text should take about `roomLines` lines (at least one block). */
function takeBatch(queue: HTMLElement[], roomLines: number, charsPerLine: number): HTMLElement[] {
  const batch = [queue.shift()!];
  let lines = estimatedLines(batch[0]!, charsPerLine);
  while (queue.length > 0 && lines + estimatedLines(queue[0]!, charsPerLine) <= roomLines) {
    lines += estimatedLines(queue[0]!, charsPerLine);
    batch.push(queue.shift()!);
  }
  return batch;
}

/** Lines a block's text takes at full-width characters: enough to pick a batch, never to decide a break. */
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
