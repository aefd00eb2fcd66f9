import { readFile } from 'node:fs/promises';

export class TextFileError extends Error {
  constructor(
    message: string,
    readonly ruleId: string,
  ) {
    super(message);
  }
}

/** Longest article we accept; anything longer is a paste accident, not a story. */
export const MAX_ARTICLE_CHARS = 100_000;

/** Read a UTF-8 text file, refusing binaries and invalid encodings with a clear reason. */
export async function readTextFile(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TextFileError(code === 'ENOENT' ? 'file does not exist' : `cannot read file (${code})`, 'missing-file');
  }
  if (bytes.subarray(0, 8192).includes(0)) {
    throw new TextFileError('file is binary (it contains NUL bytes), not Markdown text', 'binary-file');
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.replace(/^\uFEFF/, '');
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new TextFileError(`file is not valid UTF-8 (first bad byte at offset ${at}); save it as UTF-8`, 'encoding');
  }
}

function firstInvalidUtf8(bytes: Buffer): number {
  let low = 0;
  let high = bytes.length;
  // Binary search for the shortest prefix that fails to decode.
  while (low < high) {
    const mid = (low + high) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid + 1), { stream: true });
      low = mid + 1;
    } catch {
      high = mid;
    }
  }
  return low;
}
