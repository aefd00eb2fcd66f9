/** Blocks that must move whole to the next frame rather than split. */
const UNSPLITTABLE = new Set(['H1', 'H2', 'H3', 'H4', 'FIGURE', 'TABLE', 'IMG', 'HR']);
const CONTAINERS = new Set(['ASIDE', 'UL', 'OL', 'BLOCKQUOTE', 'LI']);

/**
 * Split `block` so that the part above `limitPx` (a viewport y) stays and the rest is
 * returned as a new element of the same kind, to be placed in the next frame.
 * Returns `undefined` when nothing of the block fits (move it whole).
 */
export function splitBlock(block: HTMLElement, limitPx: number): HTMLElement | undefined {
  if (UNSPLITTABLE.has(block.tagName)) return undefined;
  if (CONTAINERS.has(block.tagName)) return splitContainer(block, limitPx);
  return splitText(block, limitPx);
}

function splitContainer(block: HTMLElement, limitPx: number): HTMLElement | undefined {
  const children = [...block.children] as HTMLElement[];
  const index = children.findIndex((child) => child.getBoundingClientRect().bottom > limitPx + 0.5);
  if (index < 0) return undefined;
  const child = children[index]!;
  const childRest = splitBlock(child, limitPx);
  const staying = children.slice(0, index);
  // Only the container's title would stay above the limit: move the container whole.
  if (!childRest && staying.every(isTitle)) return undefined;
  const rest = block.cloneNode(false) as HTMLElement;
  rest.removeAttribute('id');
  if (childRest) rest.append(childRest);
  else rest.append(child);
  for (const sibling of children.slice(index + 1)) rest.append(sibling);
  block.classList.add('split-after');
  rest.classList.add('split-before');
  return rest;
}

function isTitle(el: HTMLElement): boolean {
  return /^H[1-6]$/.test(el.tagName);
}

interface TextPosition {
  node: Text;
  offset: number;
}

function textPositions(block: HTMLElement): TextPosition[] {
  const positions: TextPosition[] = [];
  const walker = block.ownerDocument.createTreeWalker(block, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
    for (let offset = 0; offset < node.data.length; offset++) positions.push({ node, offset });
  }
  return positions;
}

function charMiddle(range: Range, pos: TextPosition): number | undefined {
  range.setStart(pos.node, pos.offset);
  range.setEnd(pos.node, Math.min(pos.node.data.length, pos.offset + 1));
  const rect = range.getClientRects()[0];
  return rect && rect.height > 0 ? rect.top + rect.height / 2 : undefined;
}

/** Split a paragraph at the start of its first line that crosses the limit. */
function splitText(block: HTMLElement, limitPx: number): HTMLElement | undefined {
  const positions = textPositions(block);
  const range = block.ownerDocument.createRange();
  const overflows = (i: number): boolean => {
    for (let j = i; j < positions.length; j++) {
      const middle = charMiddle(range, positions[j]!);
      if (middle !== undefined) return middle > limitPx;
    }
    return true;
  };
  let low = 0;
  let high = positions.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (overflows(mid)) high = mid;
    else low = mid + 1;
  }
  if (low === 0 || low >= positions.length) return undefined;
  const at = positions[low]!;
  range.setStart(at.node, at.offset);
  range.setEndAfter(block.lastChild!);
  const rest = block.cloneNode(false) as HTMLElement;
  rest.removeAttribute('id');
  rest.append(range.extractContents());
  block.classList.add('split-after');
  rest.classList.add('split-before');
  return rest;
}
