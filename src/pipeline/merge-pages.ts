import { readFile } from 'node:fs/promises';
import { PDFDocument } from 'pdf-lib';
import { fixPageBoxes, setProofMetadata, type ProofMetadataInput } from '../pdf/proof-metadata.js';

/**
 * Join one-page PDFs, in order, into the edition's screen proof: exact trim boxes (Chromium
 * rounds page sizes to whole CSS pixels), page labels, bookmarks, title and date.
 */
export async function mergePagePdfs(
  paths: string[],
  trim: { width: number; height: number },
  metadata: ProofMetadataInput,
): Promise<Uint8Array> {
  const proof = await PDFDocument.create();
  for (const path of paths) {
    const source = await PDFDocument.load(await readFile(path));
    const pages = await proof.copyPages(source, source.getPageIndices());
    pages.forEach((page) => proof.addPage(page));
  }
  fixPageBoxes(proof, trim);
  setProofMetadata(proof, metadata);
  return proof.save();
}
