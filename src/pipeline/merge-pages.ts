import { readFile } from 'node:fs/promises';
import { PDFDocument } from 'pdf-lib';

/** Join one-page PDFs, in order, into the edition's proof. */
export async function mergePagePdfs(paths: string[]): Promise<Uint8Array> {
  const proof = await PDFDocument.create();
  for (const path of paths) {
    const source = await PDFDocument.load(await readFile(path));
    const pages = await proof.copyPages(source, source.getPageIndices());
    pages.forEach((page) => proof.addPage(page));
  }
  return proof.save();
}
