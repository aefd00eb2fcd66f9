import type { Root } from 'mdast';
import type { ContainerDirective, LeafDirective, TextDirective } from 'mdast-util-directive';
import type { Plugin } from 'unified';
import { SKIP, visit } from 'unist-util-visit';
import type { VFile } from 'vfile';

type Directive = ContainerDirective | LeafDirective | TextDirective;

/**
 * Turn our directives into HTML elements for remark-rehype:
 * `:::note` and `:::sidebar` become boxed asides, `::figure` a figure with caption and credit.
 */
export const remarkNewspaperDirectives: Plugin<[], Root> = () => (tree, file) => {
  visit(tree, (node) => {
    if (isDirective(node)) transformDirective(node, file);
  });
};

const KNOWN = new Set(['containerDirective:note', 'containerDirective:sidebar', 'leafDirective:figure']);

/**
 * Put back, as typed, every directive we do not know. Runs before copy normalisation, so
 * `关键变量:人工智能` (which remark-directive reads as `:人工智能`) is still text to fix.
 */
export const remarkRestoreUnknownDirectives: Plugin<[], Root> = () => (tree, file) => {
  visit(tree, (node, index, parent) => {
    if (!isDirective(node) || !parent || index === undefined || KNOWN.has(`${node.type}:${node.name}`)) return;
    // `:` followed by letters is common in copy (比分2:1, 时间:上午); only an ASCII name looks deliberate.
    if (node.type !== 'textDirective' || /^[a-z]/i.test(node.name)) {
      file.message(`Unknown directive \`${prefix(node)}${node.name}\`, expected \`:::note\`, \`:::sidebar\` or \`::figure\``, {
        place: node.position,
        ruleId: 'unknown-directive',
        source: 'presswork',
      });
    }
    parent.children.splice(index, 1, ...restoreSource(node, file));
    return [SKIP, index];
  });
};

function isDirective(node: { type: string }): node is Directive {
  return node.type === 'containerDirective' || node.type === 'leafDirective' || node.type === 'textDirective';
}

function prefix(node: Directive): string {
  return node.type === 'containerDirective' ? ':::' : node.type === 'leafDirective' ? '::' : ':';
}

function transformDirective(node: Directive, file: VFile): void {
  const attributes = node.attributes ?? {};
  if (node.type === 'containerDirective' && (node.name === 'note' || node.name === 'sidebar')) {
    const title = attributes.title ?? (node.name === 'note' ? '编者按' : undefined);
    node.data = { hName: 'aside', hProperties: { className: [node.name], ...boxAttributes(node, file) } };
    if (title) {
      node.children.unshift({
        type: 'paragraph',
        data: { hName: 'h3', hProperties: { className: [`${node.name}-title`] } },
        children: [{ type: 'text', value: title }],
      });
    }
    return;
  }
  if (node.type === 'leafDirective' && node.name === 'figure') {
    const src = attributes.src;
    if (!src) {
      file.message('Figure has no `src`; expected `::figure{src="images/a.jpg" caption="…"}`', {
        place: node.position,
        ruleId: 'figure-src',
        source: 'presswork',
      }).fatal = true;
    }
    const cols = Number.parseInt(attributes.cols ?? '', 10);
    node.data = {
      hName: 'figure',
      hProperties: { className: ['figure'], dataCols: Number.isFinite(cols) && cols > 0 ? cols : undefined },
    };
    // With no src there is no image to check (it was reported above); the caption stays.
    const image = src ? [{ type: 'image', url: src, alt: attributes.caption ?? '', position: node.position }] : [];
    node.children = [...image, figcaption(attributes.caption, attributes.credit)] as never;
  }
}

/**
 * `cols=2 place="bottom"` on a note or sidebar: how many columns the box spans and whether it
 * goes at the top or the bottom of the story. A bad value is reported and left out.
 */
function boxAttributes(node: ContainerDirective, file: VFile): { dataCols?: number; dataPlace?: string } {
  const attributes = node.attributes ?? {};
  const result: { dataCols?: number; dataPlace?: string } = {};
  if (attributes.cols !== undefined && attributes.cols !== null) {
    const cols = Number(attributes.cols);
    if (Number.isInteger(cols) && cols >= 1 && cols <= 12) result.dataCols = cols;
    else file.message(`\`cols=${attributes.cols}\` on \`:::${node.name}\` is not a number of columns; expected a whole number like \`cols=2\``, { place: node.position, ruleId: 'box-attribute', source: 'presswork' });
  }
  if (attributes.place !== undefined && attributes.place !== null) {
    if (attributes.place === 'top' || attributes.place === 'bottom') result.dataPlace = attributes.place;
    else file.message(`\`place="${attributes.place}"\` on \`:::${node.name}\` is not a place; expected \`place="top"\` or \`place="bottom"\``, { place: node.position, ruleId: 'box-attribute', source: 'presswork' });
  }
  return result;
}

/** A figcaption node holding the caption and the credit as separate spans. */
export function figcaption(caption: string | null | undefined, credit: string | null | undefined) {
  const parts = [];
  if (caption) parts.push(span('caption', caption));
  if (credit) parts.push(span('credit', credit));
  return { type: 'paragraph' as const, data: { hName: 'figcaption' }, children: parts };
}

function span(className: string, value: string) {
  return {
    type: 'emphasis' as const,
    data: { hName: 'span', hProperties: { className: [className] } },
    children: [{ type: 'text' as const, value }],
  };
}

/** The directive as it was typed, so no text is lost when we do not know it. */
function restoreSource(node: Directive, file: VFile): never[] {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  const source = start !== undefined && end !== undefined ? String(file.value).slice(start, end) : `${prefix(node)}${node.name}`;
  if (node.type === 'textDirective') return [{ type: 'text', value: source, position: node.position }] as never[];
  return [{ type: 'paragraph', children: [{ type: 'text', value: source }], position: node.position }] as never[];
}
