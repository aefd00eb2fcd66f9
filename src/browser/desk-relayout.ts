import { SIZE_CLASSES, storySizeClass } from '../edition/size-class.js';
import { columnLeftPt, spanWidthPt, type BrowserGrid, type GridBox } from './geometry.js';
import { layoutStack } from './layout-stack.js';
import { copyfitOf, layoutStoryBox } from './layout-edition.js';
import { setBox, type Copyfit, type StorySource } from './layout-story.js';

/** One box the layout desk is moving or resizing, in page grid units (1-based). */
export interface DeskRelayout {
  /** The story parts in the box: one story, or a stack's members. */
  stories: string[];
  part?: 'main' | 'cont';
  /** The stack's id in the document, when the box is a stack. */
  stackId?: string;
  box: GridBox;
  /** A figure moved instead of the box: which one of which story's figures, and where. */
  figure?: { story: string; index: number; box: GridBox };
  /** `rows: auto`: the most rows the box may take where it now is; none when the hand sets the rows. */
  maxRows?: number;
  /**
   * false: the story as set, one pass, without typography.fit's search (what a drag step
   * shows at once); true (default): with the search, as the build sets it.
   */
  fit?: boolean;
}

export interface DeskLayout {
  /** Lay out only the stories of this box again, in the page, and return their copyfit. */
  relayout(request: DeskRelayout): Copyfit[];
}

/** The story element at a box: its place on the type area (the template's boxStyle) and its rules. */
function placeElement(source: StorySource, grid: BrowserGrid, box: GridBox): void {
  const el = source.el;
  el.style.left = `${columnLeftPt(grid, box.col - 1)}pt`;
  el.style.width = `${spanWidthPt(grid, box.cols)}pt`;
  el.classList.toggle('rule-left', box.col > 1);
  // The head the build will give the box at its new width (a continuation stays small).
  if (el.dataset.part !== 'cont') {
    el.classList.remove(...SIZE_CLASSES);
    const size = storySizeClass(box, { columns: grid.columns, feature: Boolean(el.closest('.pw-feature')) });
    if (size) el.classList.add(size);
  }
  if (!source.data.stack) el.classList.toggle('rule-top', box.row > 1);
  setBox(source, grid, box);
  // The box changed under the pass the page shows: that pass is no answer now.
  source.last = undefined;
}

/**
 * The layout desk's live copyfit: the page laid out once by layoutEdition (`?layout-only&desk`),
 * then one story or stack laid out again per pointer step with the same code, no Paged.js.
 */
export function createDeskLayout(grid: BrowserGrid, sources: StorySource[]): DeskLayout {
  const find = (id: string, part: 'main' | 'cont') => sources.find((s) => s.el.dataset.story === id && (s.el.dataset.part === 'cont' ? 'cont' : 'main') === part);
  // Which stories are `rows: auto` in edition.yaml: one stays auto unless a relayout sets its rows.
  const auto = new Set(sources.filter((s) => s.data.auto).map((s) => s.el));
  return {
    relayout(request) {
      const part = request.part ?? 'main';
      const members = request.stories.map((id) => find(id, part)).filter((s): s is StorySource => Boolean(s));
      if (members.length === 0) return [];
      const owner = request.figure && members.find((m) => m.el.dataset.story === request.figure!.story);
      if (request.figure && owner) {
        const figures = [...(owner.data.figures ?? [])];
        figures[request.figure.index] = request.figure.box;
        owner.data.figures = figures;
        for (const m of members) m.last = undefined;
      }
      if (request.stackId) {
        for (const m of members) {
          m.data.stack = { ...m.data.stack!, box: request.box };
          placeElement(m, grid, request.box);
        }
        const passes = layoutStack(members, grid, request.box, request.fit === false ? undefined : members[0]!.data.fit);
        return members.map((m, i) => copyfitOf(m, passes[i]!, grid));
      }
      const source = members[0]!;
      if (!request.figure) {
        source.data.auto = auto.has(source.el) && request.maxRows !== undefined ? { maxRows: request.maxRows } : undefined;
        placeElement(source, grid, source.data.auto ? { ...request.box, rows: source.data.auto.maxRows } : request.box);
      }
      const limits = source.data.fit;
      if (request.fit === false) source.data.fit = undefined;
      try {
        return [copyfitOf(source, layoutStoryBox(source, grid), grid)];
      } finally {
        source.data.fit = limits;
      }
    },
  };
}
