import type { Root } from 'hast';
import { toString } from 'hast-util-to-string';
import type { Plugin } from 'unified';

declare module 'vfile' {
  interface DataMap {
    /** The sanitised article's text, kept to verify the PDF against. */
    text: string;
  }
}

export const rehypeCollectText: Plugin<[], Root> = () => (tree, file) => {
  file.data.text = toString(tree);
};
