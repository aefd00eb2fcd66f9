import rehypeSanitize from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkDirective from 'remark-directive';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { remarkCheckListDepth } from './check-nesting.js';
import { remarkCheckLinks } from './remark-check-links.js';
import { rehypeFigures, type FigureImage } from './rehype-figures.js';
import { rehypeNobreak } from './rehype-nobreak.js';
import { rehypeSourcePositions } from './rehype-source-positions.js';
import { rehypeTables } from './rehype-tables.js';
import { remarkCjkNormalize } from './remark-cjk-normalize.js';
import { remarkCopyCharacters } from './remark-copy-characters.js';
import { remarkFontCoverage } from './remark-font-coverage.js';
import type { CopyRule } from './copy-characters.js';
import type { FontChains } from '../fonts/font-chain.js';
import { remarkNewspaperDirectives, remarkRestoreUnknownDirectives } from './remark-newspaper-directives.js';
import { remarkRejectRawHtml } from './remark-reject-raw-html.js';
import { sanitizeSchema } from './sanitize-schema.js';
import { rehypeCollectText } from './rehype-collect-text.js';

export interface ProcessorOptions {
  /** The edition folder: images resolve inside it. */
  root: string;
  /** URL prefix under which the server exposes the edition folder. */
  urlPrefix: string;
  /** Remove typed spaces between Han and Latin (the browser's text-autospace adds them). */
  autospace: boolean;
  images?: FigureImage[];
  /** The house rule for emoji, control and bidi characters (house.yaml `copy:`). */
  copy?: CopyRule;
  /** Each role's fonts, to check every character against (no check without them). */
  fonts?: FontChains;
  /** What names `fonts` (the house style's digest), for caches keyed on these options. */
  fontsDigest?: string;
}

/** The article processor: Markdown with front matter and directives in, sanitised HTML out. */
export function createProcessor(options: ProcessorOptions) {
  return unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkFrontmatter, ['yaml'])
    .use(remarkDirective)
    .use(remarkRejectRawHtml)
    .use(remarkCheckListDepth)
    .use(remarkCheckLinks)
    .use(remarkRestoreUnknownDirectives)
    .use(remarkCjkNormalize, { autospace: options.autospace })
    .use(remarkCopyCharacters, { rule: options.copy, root: options.root })
    .use(remarkFontCoverage, { chains: options.fonts, root: options.root })
    .use(remarkNewspaperDirectives)
    .use(remarkRehype)
    .use(rehypeFigures, { root: options.root, urlPrefix: options.urlPrefix, images: options.images })
    .use(rehypeSourcePositions)
    .use(rehypeNobreak)
    .use(rehypeTables)
    .use(rehypeSanitize, sanitizeSchema)
    .use(rehypeCollectText)
    .use(rehypeStringify);
}
