import { PDFDict, PDFName, PDFRawStream, PDFRef, PDFStream, decodePDFRawStream, type PDFDocument } from 'pdf-lib';

const RANGE_BLOCK = /\d+\s+beginbfrange([\s\S]*?)endbfrange/g;
const RANGE_ENTRY = /<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])/g;

const hex = (value: number, digits: number) => value.toString(16).toUpperCase().padStart(digits, '0');

/**
 * Rewrite a ToUnicode CMap's `bfrange` entries as `bfchar` entries (at most 100 a block,
 * as the CMap spec asks). Ghostscript 10.00's pdfwrite drops the second and later codes of
 * a bfrange (Chromium writes `<00A9> <00AA> <901F>` for 速造), so plates lost text on
 * extraction; single mappings survive. Returns the CMap unchanged if it has no ranges.
 */
export function expandBfRanges(cmap: string): string {
  return cmap.replace(RANGE_BLOCK, (_block, body: string) => {
    const pairs: string[] = [];
    for (const [, lo, hi, dst] of body.matchAll(RANGE_ENTRY)) {
      const start = Number.parseInt(lo!, 16);
      const end = Number.parseInt(hi!, 16);
      const width = lo!.length;
      if (dst!.startsWith('[')) {
        const targets = [...dst!.matchAll(/<([0-9A-Fa-f]+)>/g)].map((m) => m[1]!);
        targets.forEach((t, i) => pairs.push(`<${hex(start + i, width)}> <${t}>`));
      } else {
        const target = dst!.slice(1, -1);
        // Only the last 16 bits increment (a UTF-16 code unit), as the spec defines.
        const head = target.slice(0, -4);
        const base = Number.parseInt(target.slice(-4), 16);
        for (let code = start; code <= end; code++) pairs.push(`<${hex(code, width)}> <${head}${hex(base + code - start, 4)}>`);
      }
    }
    const blocks: string[] = [];
    for (let i = 0; i < pairs.length; i += 100) {
      const chunk = pairs.slice(i, i + 100);
      blocks.push(`${chunk.length} beginbfchar\n${chunk.join('\n')}\nendbfchar`);
    }
    return blocks.join('\n');
  });
}

/** Expand bfranges in every font's ToUnicode CMap in `doc`. Returns how many were rewritten. */
export function expandToUnicodeRanges(doc: PDFDocument): number {
  let rewritten = 0;
  const seen = new Set<string>();
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFDict) || obj.get(PDFName.of('Type')) !== PDFName.of('Font')) continue;
    const ref = obj.get(PDFName.of('ToUnicode'));
    if (!(ref instanceof PDFRef) || seen.has(ref.toString())) continue;
    seen.add(ref.toString());
    const stream = doc.context.lookup(ref);
    if (!(stream instanceof PDFStream)) continue;
    const bytes = stream instanceof PDFRawStream ? decodePDFRawStream(stream).decode() : stream.getContents();
    const cmap = Buffer.from(bytes).toString('latin1');
    const expanded = expandBfRanges(cmap);
    if (expanded === cmap) continue;
    doc.context.assign(ref, doc.context.flateStream(Buffer.from(expanded, 'latin1')));
    rewritten++;
  }
  return rewritten;
}
