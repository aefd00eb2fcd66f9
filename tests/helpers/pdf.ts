import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PDFDocument } from 'pdf-lib';
import { extractPageTexts } from '../../src/pipeline/verify-text.js';

export const MM = 72 / 25.4;

/** `pdffonts` rows: name, type, embedded. Columns are cut at the widths of the dashed header line. */
export function pdfFonts(path: string): { name: string; type: string; embedded: boolean }[] {
  const [, dashes = '', ...rows] = execFileSync('pdffonts', [path], { encoding: 'utf8' }).trimEnd().split('\n');
  const widths = dashes.split(' ').map((d) => d.length + 1);
  return rows.map((row) => {
    const cells: string[] = [];
    let at = 0;
    for (const width of widths) {
      cells.push(row.slice(at, at + width).trim());
      at += width;
    }
    return { name: cells[0] ?? '', type: cells[1] ?? '', embedded: cells[3] === 'yes' };
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

export interface PdfWord {
  /** 1-based page number. */
  page: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  text: string;
}

/** Every word `pdftotext -bbox` finds, with its box in pt from the page's top left (it cuts Han runs at digits). */
export function pdfWords(pdf: string): PdfWord[] {
  const xml = execFileSync('pdftotext', ['-bbox', pdf, '-'], { encoding: 'utf8' });
  return [...xml.matchAll(/<page[^>]*>([\s\S]*?)<\/page>/g)].flatMap((page, index) =>
    [...page[1]!.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => {
      const [x0, y0, x1, y1] = m.slice(1, 5).map(Number) as [number, number, number, number];
      return { page: index + 1, x0, y0, x1, y1, text: m[5]! };
    }),
  );
}
