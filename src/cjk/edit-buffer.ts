import type { CjkChange, CjkEdit } from './cjk-change.js';

export interface EditBuffer {
  /** The text after every edit applied so far. */
  readonly text: string;
  /** Apply one rule's edits (in current coordinates); edits touching locked text are dropped. Returns how many were made. */
  apply(edits: readonly CjkEdit[]): number;
  /** Changes made, in the coordinates of the original text, in source order. */
  changes(): CjkChange[];
}

/**
 * Rules run one after another, each over the previous one's output. The buffer keeps, for
 * every character of the current text, the span of the original it came from, so each
 * change can be reported where the author typed it. Locked ranges (context borrowed from
 * neighbouring nodes, URLs) can be read by the rules but never changed.
 */
export function createEditBuffer(original: string, locked: ReadonlyArray<readonly [number, number]>): EditBuffer {
  let text = original;
  // Per character of `text`: the original span it came from, and whether it is locked.
  let from = Array.from({ length: original.length }, (_, i) => i);
  let to = Array.from({ length: original.length }, (_, i) => i + 1);
  let lock: boolean[] = new Array<boolean>(original.length).fill(false);
  for (const [start, end] of locked) lock.fill(true, Math.max(0, start), Math.min(original.length, end));
  const made: CjkChange[] = [];

  function apply(edits: readonly CjkEdit[]): number {
    const count = made.length;
    const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
    const parts: string[] = [];
    const nextFrom: number[] = [];
    const nextTo: number[] = [];
    const nextLock: boolean[] = [];
    let cursor = 0;
    const keep = (until: number) => {
      parts.push(text.slice(cursor, until));
      for (let i = cursor; i < until; i++) {
        nextFrom.push(from[i] as number);
        nextTo.push(to[i] as number);
        nextLock.push(lock[i] as boolean);
      }
      cursor = until;
    };
    for (const edit of sorted) {
      // Only replacements of at least one character, in order, away from locked text.
      if (edit.start < cursor || edit.end <= edit.start || edit.end > text.length) continue;
      if (lock.slice(edit.start, edit.end).includes(true)) continue;
      const typed = text.slice(edit.start, edit.end);
      if (typed === edit.to) continue;
      keep(edit.start);
      const start = from[edit.start] as number;
      const end = to[edit.end - 1] as number;
      made.push({ offset: start, length: end - start, from: typed, to: edit.to, ruleId: edit.ruleId, reason: edit.reason });
      parts.push(edit.to);
      for (let i = 0; i < edit.to.length; i++) {
        nextFrom.push(start);
        nextTo.push(end);
        nextLock.push(false);
      }
      cursor = edit.end;
    }
    if (made.length === count) return 0;
    keep(text.length);
    text = parts.join('');
    from = nextFrom;
    to = nextTo;
    lock = nextLock;
    return made.length - count;
  }

  return {
    get text() {
      return text;
    },
    apply,
    changes: () => [...made].sort((a, b) => a.offset - b.offset),
  };
}
