import { PDFDict, PDFDocument, PDFHexString, PDFName, PDFNull, PDFNumber, PDFString, type PDFRef } from 'pdf-lib';
import { mmToPt, ptToMm, type SizeMm } from './page-geometry.js';

export interface ProofStory {
  title: string;
  /** Id of the page the story starts on (A1, …). */
  page: string;
}

export interface ProofMetadataInput {
  /** Document title, e.g. `萧山日报 2026年11月26日`. */
  title: string;
  /** Edition date, yyyy-mm-dd. Written as Info /EditionDate and in the Subject. */
  date: string;
  /** Page ids in page order; they become the page labels (A1, A2, …). */
  pageIds: string[];
  /** Optional page bookmark titles by id, e.g. `{ A1: '要闻' }`; shown as `A1 要闻`. */
  pageTitles?: Record<string, string>;
  /** Stories, bookmarked under the page they start on, in the order given. */
  stories?: ProofStory[];
  /** Creation time. Default now. */
  buildTime?: Date;
  author?: string;
  /** Default zh-Hans. */
  language?: string;
}

/**
 * Give each page the exact trim as MediaBox and TrimBox. Chromium rounds the page size to
 * whole CSS pixels and draws from the top-left, so the trim is cut from the top-left corner.
 * Returns the largest correction made, in mm.
 */
export function fixPageBoxes(doc: PDFDocument, trimMm: SizeMm): number {
  const width = mmToPt(trimMm.width);
  const height = mmToPt(trimMm.height);
  let worst = 0;
  for (const page of doc.getPages()) {
    const media = page.getMediaBox();
    worst = Math.max(worst, Math.abs(ptToMm(media.width - width)), Math.abs(ptToMm(media.height - height)));
    const top = media.y + media.height;
    page.setMediaBox(media.x, top - height, width, height);
    page.setCropBox(media.x, top - height, width, height);
    page.setTrimBox(media.x, top - height, width, height);
    page.node.delete(PDFName.of('BleedBox'));
    page.node.delete(PDFName.of('ArtBox'));
  }
  return worst;
}

/** /PageLabels: each page labelled with its id as a prefix alone (no number style). */
function setPageLabels(doc: PDFDocument, pageIds: string[]): void {
  const nums = pageIds.flatMap((id, index) => [index, { P: PDFHexString.fromText(id) }]);
  doc.catalog.set(PDFName.of('PageLabels'), doc.context.obj({ Nums: nums }));
}

interface OutlineNode {
  title: string;
  pageRef: PDFRef;
  children: OutlineNode[];
}

/** Write outline items for `nodes` under `parent`; returns [first, last] refs. */
function writeOutline(doc: PDFDocument, parent: PDFRef, nodes: OutlineNode[]): [PDFRef, PDFRef] | undefined {
  if (nodes.length === 0) return undefined;
  const refs = nodes.map(() => doc.context.nextRef());
  nodes.forEach((node, i) => {
    const item = doc.context.obj({
      Title: PDFHexString.fromText(node.title),
      Parent: parent,
      Dest: [node.pageRef, 'XYZ', PDFNull, PDFNull, PDFNull],
    }) as PDFDict;
    if (i > 0) item.set(PDFName.of('Prev'), refs[i - 1]!);
    if (i < nodes.length - 1) item.set(PDFName.of('Next'), refs[i + 1]!);
    const children = writeOutline(doc, refs[i]!, node.children);
    if (children) {
      item.set(PDFName.of('First'), children[0]);
      item.set(PDFName.of('Last'), children[1]);
      // Negative count: stories start collapsed under their page.
      item.set(PDFName.of('Count'), PDFNumber.of(-node.children.length));
    }
    doc.context.assign(refs[i]!, item);
  });
  return [refs[0]!, refs[refs.length - 1]!];
}

/** Bookmarks: one per page, with that page's stories beneath it. */
function setOutline(doc: PDFDocument, input: ProofMetadataInput): void {
  const pages = doc.getPages();
  const nodes: OutlineNode[] = input.pageIds.map((id, index) => ({
    title: input.pageTitles?.[id] ? `${id} ${input.pageTitles[id]}` : id,
    pageRef: pages[index]!.ref,
    children: [],
  }));
  for (const story of input.stories ?? []) {
    const index = input.pageIds.indexOf(story.page);
    if (index < 0) throw new Error(`Bookmark for story "${story.title}": page ${story.page} is not in the proof`);
    nodes[index]!.children.push({ title: story.title, pageRef: pages[index]!.ref, children: [] });
  }
  const root = doc.context.nextRef();
  const [first, last] = writeOutline(doc, root, nodes) ?? [];
  doc.context.assign(root, doc.context.obj({ Type: 'Outlines', First: first, Last: last, Count: nodes.length }));
  doc.catalog.set(PDFName.of('Outlines'), root);
  doc.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
}

/** Page labels, bookmarks, title, date and language for the screen proof. */
export function setProofMetadata(doc: PDFDocument, input: ProofMetadataInput): void {
  if (doc.getPageCount() !== input.pageIds.length) {
    throw new Error(`Proof has ${doc.getPageCount()} pages but ${input.pageIds.length} page ids were given`);
  }
  setPageLabels(doc, input.pageIds);
  setOutline(doc, input);
  const when = input.buildTime ?? new Date();
  doc.setTitle(input.title, { showInWindowTitleBar: true });
  doc.setSubject(`${input.title} (${input.date})`);
  if (input.author) doc.setAuthor(input.author);
  doc.setCreator('presswork');
  doc.setProducer('presswork (Chromium, pdf-lib)');
  doc.setCreationDate(when);
  doc.setModificationDate(when);
  doc.setLanguage(input.language ?? 'zh-Hans');
  // pdf-lib has no setter for custom Info keys; the Info dict is reached from the trailer.
  const info = doc.context.lookup(doc.context.trailerInfo.Info);
  if (info instanceof PDFDict) info.set(PDFName.of('EditionDate'), PDFString.of(input.date));
}
