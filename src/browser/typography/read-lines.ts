/**
 * The rendered lines of a block of text, read back from the browser: one Range per
 * character, grouped into lines by their vertical position.
 */

export interface CharBox {
  node: Text;
  offset: number;
  /** One code point: Han characters beyond the BMP are two UTF-16 units. */
  char: string;
  rect: DOMRect;
}

export interface TextLine {
  chars: CharBox[];
  text: string;
  /** Viewport y of the middle of the line's first character: the line box's middle too. */
  mid: number;
}

export interface TextPosition {
  node: Text;
  offset: number;
  char: string;
}

/** A walker over `block`'s own nodes: those of `nested` blocks are left out. */
function ownNodes(block: Element, nested: (el: Element) => boolean): TreeWalker {
  return block.ownerDocument.createTreeWalker(block, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT, {
    acceptNode: (node) =>
      node !== block && node.nodeType === Node.ELEMENT_NODE && nested(node as Element)
        ? NodeFilter.FILTER_REJECT
        : NodeFilter.FILTER_ACCEPT,
  });
}

/** Every character of `block`'s own text, in order; text of `nested` blocks is left out. */
export function textPositions(block: Element, nested: (el: Element) => boolean = () => false): TextPosition[] {
  const positions: TextPosition[] = [];
  const walker = ownNodes(block, nested);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeType !== Node.TEXT_NODE) continue;
    const text = node as Text;
    let offset = 0;
    for (const char of text.data) {
      positions.push({ node: text, offset, char });
      offset += char.length;
    }
  }
  return positions;
}

/**
 * textPositions from the last character back, made as they are read: reading a paragraph's
 * end need not list all its characters first.
 */
export function* positionsFromEnd(block: Element, nested: (el: Element) => boolean = () => false): Generator<TextPosition> {
  const walker = ownNodes(block, nested);
  let node: Node | null = null;
  while (walker.lastChild()) node = walker.currentNode;
  for (; node; node = walker.previousNode()) {
    if (node.nodeType !== Node.TEXT_NODE) continue;
    const text = node as Text;
    const data = text.data;
    for (let end = data.length; end > 0; ) {
      // A character beyond the BMP is two UTF-16 units, as in textPositions.
      const pair = end > 1 && isLowSurrogate(data.charCodeAt(end - 1)) && isHighSurrogate(data.charCodeAt(end - 2));
      const start = end - (pair ? 2 : 1);
      yield { node: text, offset: start, char: data.slice(start, end) };
      end = start;
    }
  }
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** The box of one character, or undefined when it is not rendered (collapsed space, hidden). */
export function charRect(range: Range, pos: TextPosition): DOMRect | undefined {
  range.setStart(pos.node, pos.offset);
  range.setEnd(pos.node, pos.offset + pos.char.length);
  const rect = range.getClientRects()[0];
  return rect && rect.height > 0 ? rect : undefined;
}

/**
 * Group characters into lines: a character whose top is below the current line's middle
 * starts a new one. In vertical text (a 竖排 head, vertical-rl) lines run right to left, and
 * `mid` is the viewport x of the line's middle.
 */
export function readLines(block: Element, nested?: (el: Element) => boolean): TextLine[] {
  const range = block.ownerDocument.createRange();
  const lines: TextLine[] = [];
  const vertical = getComputedStyle(block).writingMode.startsWith('vertical');
  let line: TextLine | undefined;
  for (const pos of textPositions(block, nested)) {
    const rect = charRect(range, pos);
    if (!rect) continue;
    if (!line || (vertical ? rect.right <= line.mid : rect.top >= line.mid)) {
      line = { chars: [], text: '', mid: vertical ? rect.left + rect.width / 2 : rect.top + rect.height / 2 };
      lines.push(line);
    }
    line.chars.push({ ...pos, rect });
    line.text += pos.char;
  }
  return lines;
}

/**
 * The last `count` lines only (fewer when the block is shorter), read from the end and
 * stopping at the first character of the line before them: cheap enough to run on every
 * paragraph while fixing them.
 */
export function readLastLines(block: Element, count: number, nested?: (el: Element) => boolean): TextLine[] {
  const range = block.ownerDocument.createRange();
  const lines: TextLine[] = [];
  let line: TextLine | undefined;
  for (const pos of positionsFromEnd(block, nested)) {
    const rect = charRect(range, pos);
    if (!rect) continue;
    if (!line || rect.bottom <= line.mid) {
      if (lines.length === count) break;
      line = { chars: [], text: '', mid: rect.top + rect.height / 2 };
      lines.unshift(line);
    }
    line.chars.unshift({ ...pos, rect });
    line.text = pos.char + line.text;
  }
  return lines;
}

/**
 * Whether `block` ends with a line of one character (plus punctuation) under another line,
 * as isSingleCharLine on readLastLines(block, 2) says, read from the end and stopping as
 * soon as it is known: at the second character of the last line, or the first of the line
 * before. A few character boxes instead of two lines of them, for every paragraph and step.
 */
export function endsWithLoneChar(block: Element, isContent: (char: string) => boolean, nested?: (el: Element) => boolean): boolean {
  const range = block.ownerDocument.createRange();
  let mid: number | undefined;
  let content = 0;
  for (const pos of positionsFromEnd(block, nested)) {
    const rect = charRect(range, pos);
    if (!rect) continue;
    if (mid === undefined) mid = rect.top + rect.height / 2;
    else if (rect.bottom <= mid) return content === 1;
    if (isContent(pos.char) && ++content > 1) return false;
  }
  return false;
}
