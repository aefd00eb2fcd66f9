/** The classes that set a story's house headline size (styles/newspaper.css). */
export const SIZE_CLASSES = ['size-banner', 'size-large', 'size-small'] as const;

/**
 * A story's headline size class from its box: a feature page's full-width story is the
 * banner, a box of 60 % of the columns or more is large, one or two columns (or the ear
 * beside the masthead) small. The page templates and the layout desk both use it, so a box
 * resized on the desk gets the head the build will give it.
 */
export function storySizeClass(box: { cols: number }, page: { columns: number; feature: boolean }, ear = false): string {
  if (page.feature && box.cols === page.columns) return 'size-banner';
  if (box.cols >= Math.ceil(page.columns * 0.6)) return 'size-large';
  if (box.cols <= 2 || ear) return 'size-small';
  return '';
}
