import { PX_PER_PT, rowsFor, type BrowserGrid } from './geometry.js';

/** The house scale of headline sizes in pt (初号 42, 小初 36, 一号 26, 小一 24, 二号 22, 小二 18, 三号 16, 四号 14). */
export const HEADLINE_SCALE_PT = [48, 42, 40, 36, 30, 26, 24, 22, 18, 16, 15, 14] as const;
/** The smallest size a headline steps down to before it is an error. */
export const MIN_HEADLINE_PT = 14;

export interface HeadlineFit {
  rows: number;
  sizePt: number;
  /** The size the template gives it. */
  naturalPt: number;
  lines: number;
  maxLines: number;
  /** Set when it fits neither the box's width nor its line limit at the smallest size. */
  overflow?: string;
}

export interface HeadlineLimits {
  /** Rows the headline may take at most (the box less the body lines it must leave). */
  maxRows: number;
  maxLines: number;
  /** Steps of the house scale up (+) or down (−) from the size that fits, for typography.fit. */
  shift?: number;
}

/**
 * Size the headline to its box: the template's size when the title keeps to the box's width
 * and `maxLines`, else the next sizes down the house scale. The block takes whole body lines
 * (plus a third of a line of air under it) and, when nothing fits, is clipped to its rows
 * so that it never prints over the text below.
 */
export function fitHeadline(headline: HTMLElement, grid: BrowserGrid, limits: HeadlineLimits): HeadlineFit {
  const title = headline.querySelector<HTMLElement>('.title');
  const pitchPx = grid.linePitchPt * PX_PER_PT;
  const measureRows = () => rowsFor(grid, headline.getBoundingClientRect().height + pitchPx / 3);
  if (!title) return { rows: measureRows(), sizePt: 0, naturalPt: 0, lines: 0, maxLines: limits.maxLines };
  const naturalPt = parseFloat(getComputedStyle(title).fontSize) / PX_PER_PT;
  const scale = [...new Set([...HEADLINE_SCALE_PT, naturalPt])].filter((s) => s >= MIN_HEADLINE_PT).sort((a, b) => b - a);
  const measure = (sizePt: number) => {
    title.style.fontSize = `${sizePt}pt`;
    const lineHeight = parseFloat(getComputedStyle(title).lineHeight);
    const lines = Math.round(title.getBoundingClientRect().height / lineHeight);
    const tooWide = title.scrollWidth > title.clientWidth + 1;
    return { sizePt, lines, rows: measureRows(), tooWide };
  };
  const fits = (m: ReturnType<typeof measure>) => !m.tooWide && m.lines <= limits.maxLines && m.rows <= limits.maxRows;
  const first = scale.indexOf(naturalPt);
  let index = scale.findIndex((size, i) => i >= first && fits(measure(size)));
  if (index >= 0 && limits.shift) {
    // The fit search may take a step down to gain body lines, or up to fill them.
    const shifted = Math.max(0, Math.min(scale.length - 1, index - limits.shift));
    if (fits(measure(scale[shifted]!))) index = shifted;
  }
  const chosen = measure(scale[index >= 0 ? index : scale.length - 1]!);
  const result: HeadlineFit = { rows: chosen.rows, sizePt: chosen.sizePt, naturalPt, lines: chosen.lines, maxLines: limits.maxLines };
  if (index < 0) {
    result.overflow = chosen.tooWide
      ? `wider than its box at ${chosen.sizePt} pt`
      : chosen.lines > limits.maxLines
        ? `${chosen.lines} lines at ${chosen.sizePt} pt, more than ${limits.maxLines}`
        : `${chosen.rows} lines tall at ${chosen.sizePt} pt, the box leaves it ${limits.maxRows}`;
    result.rows = Math.max(0, Math.min(chosen.rows, limits.maxRows));
    headline.style.overflow = 'hidden';
  }
  return result;
}
