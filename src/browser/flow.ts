import { splitBlock } from './split-block.js';

const HEADINGS = /^H[1-6]$/;

/**
 * Pour `blocks` into `frames` in order, splitting a block where a frame ends.
 * Returns the blocks that did not fit (the overset), in order.
 */
export function flowIntoFrames(blocks: HTMLElement[], frames: HTMLElement[]): HTMLElement[] {
  const queue = [...blocks];
  for (const frame of frames) {
    if (queue.length === 0) break;
    fillFrame(frame, queue);
  }
  return queue;
}

function fillFrame(frame: HTMLElement, queue: HTMLElement[]): void {
  const limit = frame.getBoundingClientRect().bottom;
  while (queue.length > 0) {
    const block = queue.shift()!;
    frame.append(block);
    if (block.getBoundingClientRect().bottom <= limit + 0.5) continue;
    const rest = splitBlock(block, limit);
    if (rest) {
      queue.unshift(rest);
    } else {
      // Nothing of it fits: it waits for the next frame (or ends up as reported overset).
      block.remove();
      queue.unshift(block);
    }
    keepHeadingWithNext(frame, queue);
    return;
  }
}

/** A crosshead must not be the last thing in a frame. */
function keepHeadingWithNext(frame: HTMLElement, queue: HTMLElement[]): void {
  const last = frame.lastElementChild as HTMLElement | null;
  if (last && HEADINGS.test(last.tagName) && frame.childElementCount > 1) {
    last.remove();
    queue.unshift(last);
  }
}

/** Empty body lines left at the bottom of the frames (the "short"). */
export function emptyLines(frames: HTMLElement[], pitchPx: number): number {
  let lines = 0;
  for (const frame of frames) {
    const box = frame.getBoundingClientRect();
    const last = frame.lastElementChild;
    const used = last ? last.getBoundingClientRect().bottom - box.top : 0;
    lines += Math.max(0, Math.floor((box.height - used) / pitchPx + 0.05));
  }
  return lines;
}
