/**
 * A small lexer for PDF content streams (ISO 32000 §7.8.2): enough to find operators and
 * their operands while copying everything else byte for byte. No maintained JS library
 * exposes one (pdf-lib only writes content; pdf.js keeps its lexer internal).
 *
 * Streams are handled as latin1 strings so every byte maps to one char and back.
 */

/** One operator with its operands, each operand as its exact source text. */
export interface Operation {
  operands: string[];
  operator: string;
  /** For `ID` only: the inline image's binary data. */
  data?: string;
}

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set([...'()<>[]{}/%'].map((c) => c.charCodeAt(0)));

function isRegular(code: number): boolean {
  return !WHITESPACE.has(code) && !DELIMITERS.has(code);
}

/** End index (exclusive) of the literal string starting at `start` (a `(`). */
function endOfString(src: string, start: number): number {
  let depth = 0;
  for (let i = start; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  throw new Error(`Unterminated string at byte ${start} of a content stream`);
}

/** End index of inline image data after `ID`: the first `EI` between whitespace. */
function endOfInlineImage(src: string, start: number): number {
  for (let i = src.indexOf('EI', start); i !== -1; i = src.indexOf('EI', i + 1)) {
    const before = src.charCodeAt(i - 1);
    const after = i + 2 < src.length ? src.charCodeAt(i + 2) : 0x20;
    if (WHITESPACE.has(before) && (WHITESPACE.has(after) || DELIMITERS.has(after))) return i;
  }
  throw new Error(`Inline image at byte ${start} of a content stream has no EI`);
}

/** Split a content stream into operations. Operands keep their exact source text. */
export function parseContentStream(bytes: Uint8Array): Operation[] {
  const src = Buffer.from(bytes).toString('latin1');
  const ops: Operation[] = [];
  let operands: string[] = [];
  let i = 0;
  while (i < src.length) {
    const code = src.charCodeAt(i);
    const c = src[i]!;
    if (WHITESPACE.has(code)) {
      i++;
    } else if (c === '%') {
      while (i < src.length && src[i] !== '\n' && src[i] !== '\r') i++;
    } else if (c === '(') {
      const end = endOfString(src, i);
      operands.push(src.slice(i, end));
      i = end;
    } else if (c === '<' && src[i + 1] === '<') {
      operands.push('<<');
      i += 2;
    } else if (c === '>' && src[i + 1] === '>') {
      operands.push('>>');
      i += 2;
    } else if (c === '<') {
      const end = src.indexOf('>', i);
      if (end === -1) throw new Error(`Unterminated hex string at byte ${i} of a content stream`);
      operands.push(src.slice(i, end + 1));
      i = end + 1;
    } else if (c === '[' || c === ']' || c === '{' || c === '}') {
      operands.push(c);
      i++;
    } else if (c === '/') {
      let end = i + 1;
      while (end < src.length && isRegular(src.charCodeAt(end))) end++;
      operands.push(src.slice(i, end));
      i = end;
    } else {
      let end = i;
      while (end < src.length && isRegular(src.charCodeAt(end))) end++;
      if (end === i) throw new Error(`Unexpected byte 0x${code.toString(16)} at ${i} of a content stream`);
      const word = src.slice(i, end);
      i = end;
      if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word) || word === 'true' || word === 'false' || word === 'null') {
        operands.push(word);
      } else if (word === 'ID') {
        // Inline image: one whitespace byte, then binary data up to EI.
        const dataStart = i + 1;
        const ei = endOfInlineImage(src, dataStart);
        // The one whitespace byte before EI separates it from the data.
        ops.push({ operands, operator: 'ID', data: src.slice(dataStart, ei - 1) });
        operands = [];
        i = ei + 2;
        ops.push({ operands: [], operator: 'EI' });
      } else {
        ops.push({ operands, operator: word });
        operands = [];
      }
    }
  }
  if (operands.length > 0) ops.push({ operands, operator: '' });
  return ops;
}

/** Serialise operations back to bytes. `ID` keeps its binary data verbatim. */
export function writeContentStream(ops: Operation[]): Uint8Array {
  const parts: string[] = [];
  for (const op of ops) {
    if (op.operator === 'ID') {
      parts.push(`${op.operands.join(' ')} ID ${op.data ?? ''}`);
    } else if (op.operator === 'EI') {
      parts.push('\nEI\n');
    } else {
      parts.push(op.operands.length ? `${op.operands.join(' ')} ${op.operator}\n` : `${op.operator}\n`);
    }
  }
  return Buffer.from(parts.join(''), 'latin1');
}

/** Operands as numbers, or undefined if any is not a number. */
export function numericOperands(op: Operation): number[] | undefined {
  const values = op.operands.map(Number);
  return values.every((v) => Number.isFinite(v)) && op.operands.length > 0 ? values : undefined;
}

/** A number written compactly for a content stream (4 decimals is below 1/255 steps). */
export function formatNumber(value: number): string {
  const rounded = Math.round(value * 10_000) / 10_000;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}
