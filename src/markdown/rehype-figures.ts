import type { Element, Root } from 'hast';
import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import sharp, { type Metadata } from 'sharp';
import type { Plugin } from 'unified';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { PathEscapeError, resolveInside } from '../edition/paths.js';

/** Images larger than this are a mistake at newspaper sizes (a full broadsheet page at 300 ppi is ~29 MP). */
export const MAX_IMAGE_MEGAPIXELS = 40;

export interface FigureImage {
  /** Absolute path on disk. */
  path: string;
  width: number;
  height: number;
}

export interface RehypeFiguresOptions {
  /** The edition folder; images must lie inside it. */
  root: string;
  /** URL prefix under which the server exposes the edition folder. */
  urlPrefix: string;
  /** Collects the images that were accepted, for hashing and preflight. */
  images?: FigureImage[];
}

/**
 * Make every picture a figure: a paragraph holding only an image becomes a figure with its
 * alt text as caption. Each image is resolved inside the edition, checked with sharp, and
 * given a server URL and its pixel size. Bad images are errors at their source position.
 */
export const rehypeFigures: Plugin<[RehypeFiguresOptions], Root> = (options) => async (tree, file) => {
  const pending: Promise<void>[] = [];
  visit(tree, 'element', (node, index, parent) => {
    if (node.tagName === 'p' && parent && index !== undefined && isLoneImage(node)) {
      const img = node.children.find(isElement) as Element;
      const caption = String(img.properties.alt ?? '');
      parent.children[index] = {
        type: 'element',
        tagName: 'figure',
        properties: { className: ['figure'] },
        position: node.position,
        children: [img, captionElement(caption)],
      };
    }
  });
  visit(tree, 'element', (node, index, parent) => {
    if (node.tagName !== 'img' || !parent || index === undefined) return;
    pending.push(checkImage(node, file, options));
  });
  await Promise.all(pending);
  // Drop images that failed: their figure keeps its caption so no text is lost.
  visit(tree, 'element', (node) => {
    node.children = node.children.filter((child) => !(isElement(child) && child.tagName === 'img' && child.properties.dataRejected));
  });
};

async function checkImage(node: Element, file: VFile, options: RehypeFiguresOptions): Promise<void> {
  const src = String(node.properties.src ?? '');
  const fail = (reason: string, ruleId: string) => {
    file.message(reason, { place: node.position, ruleId, source: 'presswork' }).fatal = true;
    node.properties.dataRejected = true;
  };
  let path: string;
  try {
    path = resolveInside(options.root, src);
  } catch (error) {
    if (error instanceof PathEscapeError) return fail(`Image path ${error.message}`, 'path-escape');
    throw error;
  }
  // A folder, a FIFO or a device under an image's name: libvips would fail oddly or block.
  const info = await stat(path).catch(() => undefined);
  if (info && !info.isFile()) return fail(`Image \`${src}\` is ${info.isDirectory() ? 'a folder' : 'a pipe or a device'}, not a file; expected a JPEG, PNG or WebP file`, 'corrupt-image');
  let meta: Metadata;
  try {
    meta = await sharp(path, { limitInputPixels: false }).metadata();
  } catch (error) {
    const missing = (error as Error).message.includes('missing');
    return missing ? fail(`Image \`${src}\` does not exist`, 'missing-image') : fail(corruptReason(src, error), 'corrupt-image');
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  const megapixels = (width * height) / 1e6;
  if (megapixels > MAX_IMAGE_MEGAPIXELS) {
    return fail(
      `Image \`${src}\` is ${megapixels.toFixed(1)} megapixels (${width}×${height}), over the ${MAX_IMAGE_MEGAPIXELS} MP limit; resize it to print size`,
      'image-too-large',
    );
  }
  try {
    // The header can be intact while the data is cut short (an interrupted copy): decode
    // the whole image, shrunk on load, so a half-grey photo never reaches the page.
    await sharp(path, { failOn: 'truncated' }).resize(64, 64, { fit: 'inside' }).toBuffer();
  } catch (error) {
    return fail(corruptReason(src, error), 'corrupt-image');
  }
  options.images?.push({ path, width, height });
  node.properties.src = `${options.urlPrefix}/${relative(options.root, path).split('\\').join('/')}`;
  node.properties.dataWidth = width;
  node.properties.dataHeight = height;
}

/** `Image … cannot be read (premature end of JPEG image)`: libvips's first line, without its prefixes. */
function corruptReason(src: string, error: unknown): string {
  const detail = ((error as Error).message.split('\n')[0] ?? '')
    .replace(/^Input (file|buffer) (contains|has) /i, '')
    .replace(/\bvips\w*: /gi, '')
    .trim();
  return `Image \`${src}\` cannot be read (${detail}); expected a complete JPEG, PNG or WebP file`;
}

function isElement(node: unknown): node is Element {
  return (node as Element).type === 'element';
}

function isLoneImage(node: Element): boolean {
  const meaningful = node.children.filter((c) => !(c.type === 'text' && c.value.trim() === ''));
  return meaningful.length === 1 && isElement(meaningful[0]) && meaningful[0].tagName === 'img';
}

function captionElement(caption: string): Element {
  return {
    type: 'element',
    tagName: 'figcaption',
    properties: {},
    children: caption
      ? [{ type: 'element', tagName: 'span', properties: { className: ['caption'] }, children: [{ type: 'text', value: caption }] }]
      : [],
  };
}
