import { defaultSchema, type Options } from 'rehype-sanitize';

/**
 * GitHub's sanitising schema plus the few classes and data attributes our own plugins add.
 * No scripts, no event handlers, no iframes, and URLs limited to http(s) and relative paths.
 */
export const sanitizeSchema: Options = {
  ...defaultSchema,
  tagNames: [...(defaultSchema.tagNames ?? []), 'aside', 'figure', 'figcaption'],
  attributes: {
    ...defaultSchema.attributes,
    '*': [...(defaultSchema.attributes?.['*'] ?? []), 'dataSrc'],
    aside: [['className', 'note', 'sidebar'], 'dataCols', 'dataPlace'],
    h3: [['className', 'note-title', 'sidebar-title']],
    figure: [['className', 'figure'], 'dataCols'],
    span: [['className', 'caption', 'credit', 'nobreak', 'fig']],
    th: [['className', 'num', 'nowrap']],
    td: [['className', 'num', 'nowrap']],
    img: [...(defaultSchema.attributes?.img ?? []), 'dataWidth', 'dataHeight'],
  },
  protocols: { ...defaultSchema.protocols, href: ['http', 'https', 'mailto'], src: ['http', 'https'] },
  clobberPrefix: 'a-',
};
