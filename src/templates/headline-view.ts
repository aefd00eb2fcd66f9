import type { HeadlineStyle } from '../edition/headline-style.js';

/** What the browser layout needs to know of a styled headline (see headline-fit.ts). */
export interface HeadlineLayout {
  /** The size given in pt: the starting size, which the headline never grows beyond. */
  sizePt?: number;
  /** The most lines the title may take. */
  lines?: number;
  /** Set top to bottom in the right-hand columns of the box. */
  vertical?: boolean;
}

/** A run of a title: Latin and digits of up to 4 characters stand upright in a vertical head. */
export interface TitleRun {
  text: string;
  upright: boolean;
}

/**
 * The story element's custom properties for the given fields; the styles fall back to the
 * house default of the template and box width for the others.
 */
export function headlineStyleVars(style: HeadlineStyle): string {
  const vars: [string, string | undefined][] = [
    ['--head-size', style.size === undefined ? undefined : `${style.size}pt`],
    // checkHeadlineFonts lets only defined roles through; the house 黑 stands in all the same.
    ['--head-font', style.font && `var(--font-${style.font}, var(--font-heading))`],
    ['--head-weight', style.weight === undefined ? undefined : String(style.weight)],
    ['--head-color', style.color && `var(--ink-${style.color})`],
    ['--head-align', style.align],
  ];
  return vars.flatMap(([name, value]) => (value === undefined ? [] : [`${name}:${value}`])).join(';');
}

export function headlineLayout(style: HeadlineStyle): HeadlineLayout | undefined {
  const layout: HeadlineLayout = {
    ...(style.size !== undefined ? { sizePt: style.size } : {}),
    ...(style.lines !== undefined ? { lines: style.lines } : {}),
    ...(style.direction === 'vertical' ? { vertical: true } : {}),
  };
  return Object.keys(layout).length > 0 ? layout : undefined;
}

const UPRIGHT = /(?<![0-9A-Za-z])[0-9A-Za-z]{1,4}(?![0-9A-Za-z])/g;

/**
 * A vertical title's phrases (split at spaces: each is one vertical line) as runs, with short
 * Latin and digit runs marked to stand upright (text-combine-upright); longer ones lie sideways.
 */
export function verticalTitleParts(title: string): TitleRun[][] {
  return title
    .split(/[\s\u3000]+/)
    .filter(Boolean)
    .map((phrase) => {
      const runs: TitleRun[] = [];
      let at = 0;
      for (const match of phrase.matchAll(UPRIGHT)) {
        if (match.index > at) runs.push({ text: phrase.slice(at, match.index), upright: false });
        runs.push({ text: match[0], upright: true });
        at = match.index + match[0].length;
      }
      if (at < phrase.length) runs.push({ text: phrase.slice(at), upright: false });
      return runs;
    });
}
