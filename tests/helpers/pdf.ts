import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PDFDocument } from 'pdf-lib';
import { extractPageTexts } from '../../src/pipeline/verify-text.js';

export const MM = 72 / 25.4;

/** `pdffonts` rows: name, type, embedded. */
export function pdfFonts(path: string): { name: string; type: string; embedded: boolean }[] {
  const lines = execFileSync('pdffonts', [path], { encoding: 'utf8' }).trim().split('\n').slice(2);
  return lines.map((line) => {
    const columns = line.split(/\s{2,}/);
    const emb = line.match(/\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$/);
    return { name: columns[0] ?? '', type: columns[1] ?? '', embedded: emb?.[1] === 'yes' };
  });
}

export async function pageSizesMm(path: string): Promise<{ width: number; height: number }[]> {
  const doc = await PDFDocument.load(readFileSync(path));
  return doc.getPages().map((page) => {
    const box = page.getMediaBox();
    return { width: box.width / MM, height: box.height / MM };
  });
}

/** Text of each page with all whitespace removed. */
export async function pageTexts(path: string): Promise<string[]> {
  return (await extractPageTexts(new Uint8Array(readFileSync(path)))).map((t) => t.replace(/\s+/g, ''));
}
