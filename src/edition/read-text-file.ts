import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

export class TextFileError extends Error {
  constructor(
    message: string,
    readonly ruleId: string,
    /** Line and column of the first bad byte, when the text before it can be read. */
    readonly place?: { line: number; column: number },
  ) {
    super(message);
  }
}

/** Longest article we accept; anything longer is a paste accident, not a story. */
export const MAX_ARTICLE_CHARS = 100_000;

/** Read a UTF-8 text file, refusing binaries and invalid encodings with a clear reason. */
export async function readTextFile(path: string): Promise<string> {
  let bytes: Buffer;
  let handle;
  try {
    // Non-blocking open, then a look at what it is: a FIFO or a device under an article's
    // name would otherwise block the read, and so the build, for good.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = await handle.stat();
    if (!info.isFile()) throw new TextFileError(`is ${info.isDirectory() ? 'a folder' : 'a pipe or a device'}, not a file`, 'missing-file');
    bytes = await handle.readFile();
  } catch (error) {
    if (error instanceof TextFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    // Phrased to follow the file's name: `Article \`a.md\` does not exist`.
    throw new TextFileError(code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code})`, 'missing-file');
  } finally {
    await handle?.close();
  }
  const nul = bytes.subarray(0, 8192).indexOf(0);
  if (nul >= 0) {
    throw new TextFileError(`file is binary (found a NUL byte at offset ${nul}); expected Markdown text`, 'binary-file');
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.replace(/^\uFEFF/, '');
  } catch {
    const { offset, before } = firstInvalidUtf8(bytes);
    const byte = bytes[offset]!.toString(16).toUpperCase().padStart(2, '0');
    const lines = before.replace(/^\uFEFF/, '').split('\n');
    const place = { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
    throw new TextFileError(
      `file is not valid UTF-8: found byte 0x${byte} at offset ${offset}; expected UTF-8 text (convert a GBK or GB 2312 file to UTF-8)`,
      'encoding',
      place,
    );
  }
}

/** Where the first invalid byte sequence starts, and the text before it. */
function firstInvalidUtf8(bytes: Buffer): { offset: number; before: string } {
  // Decoding with replacement keeps everything before the first bad sequence exact, so the
  // first U+FFFD that was not typed as U+FFFD (EF BF BD) marks where it starts.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  for (let index = text.indexOf('\uFFFD'); index >= 0; index = text.indexOf('\uFFFD', index + 1)) {
    const offset = Buffer.byteLength(text.slice(0, index));
    if (bytes[offset] !== 0xef || bytes[offset + 1] !== 0xbf || bytes[offset + 2] !== 0xbd) {
      return { offset, before: text.slice(0, index) };
    }
  }
  return { offset: bytes.length - 1, before: text };
}
