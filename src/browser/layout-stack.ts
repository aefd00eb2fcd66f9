import { fitStory, fits } from './fit-story.js';
import type { BrowserGrid, GridBox } from './geometry.js';
import { layoutPass, PLAIN, predictedStoryRows, setBox, type FitLimits, type StoryPass, type StorySettings, type StorySource } from './layout-story.js';

const holds = (pass: StoryPass) => pass.rest.length === 0 && pass.unplaced.length === 0;
/** The pass holds its text and ends on its box's last row: the rows it was given are the rows it needs. */
const endsOnLastRow = (pass: StoryPass) => holds(pass) && pass.contentRows + pass.bottomRows === pass.rows;

/** The story laid out plain in a box of `rows` rows from `top`. */
function plainPassAt(source: StorySource, grid: BrowserGrid, top: GridBox, rows: number): StoryPass {
  setBox(source, grid, { ...top, rows });
  return layoutPass(source, grid, PLAIN);
}

/**
 * The fewest rows (at most `maxRows`) the story needs for all its text, with balanced
 * columns: where the text and boxes ended in the tallest box, or a few rows more when
 * that does not hold it. The story is left laid out at the rows returned.
 */
export function minimalRows(source: StorySource, grid: BrowserGrid, top: GridBox, maxRows: number, options: { trust?: boolean } = {}): StoryPass {
  // The page shows the pass laid out last; layoutPass lays the chosen one out again when it is not.
  const at = (rows: number) => plainPassAt(source, grid, top, rows);
  const tallest = at(maxRows);
  if (!holds(tallest) || tallest.jumped) return tallest;
  // Balanced in the tallest box, the text ends on the lowest row that holds it: that row is
  // the guess, and only a box set at the bottom can make it a row or two short.
  let rows = Math.max(1, Math.min(maxRows, tallest.contentRows + tallest.bottomRows));
  // With no box at the bottom the balanced end is exact: the caller lays the story out
  // at its final rows anyway, and that pass is the check.
  if (options.trust && tallest.bottomRows === 0) return { ...tallest, rows };
  for (let tries = 0; tries < 8; tries++) {
    const pass = at(rows);
    if (holds(pass) || rows >= maxRows) return holds(pass) ? pass : at(maxRows);
    rows++;
  }
  return at(maxRows);
}

/** `rows: auto`: the box takes the lines its content needs; typography.fit may then close the last line. */
export function layoutAuto(source: StorySource, grid: BrowserGrid, maxRows: number, limits: FitLimits | undefined): StoryPass {
  const pass = minimalRows(source, grid, source.data.box, maxRows);
  if (!limits || fits(pass) || !holds(pass)) return pass;
  return fitStory(source, grid, limits);
}

/** Whole lines spread as evenly as they go, the first ones taking the remainder. */
function spread(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const shares = weights.map((w) => Math.floor((total * w) / sum));
  let left = total - shares.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % shares.length) {
    if (weights[i]! > 0) {
      shares[i]!++;
      left--;
    }
  }
  return shares;
}

/**
 * A stack: stories top to bottom in one rectangle, each the stack's width and as tall as its
 * content. Spare lines go to typography.fit first (looser tracking), the rest into the air
 * above each story's headline, so the last story ends on the stack's last row. A jumping
 * story takes what the others leave. Too much text: tighter tracking when allowed, else the
 * last stories are overset, and nothing leaves the stack.
 *
 * A story's natural rows are predicted from its typeset lines where that can be told (see
 * predictedStoryRows), which saves laying it out once at the stack's full height. A story
 * about to be fitted to its share is first laid out at those rows; any other is checked on
 * its final pass. Either pass must hold the text and end on its last row; when one does
 * not, the stack is set again with that story's rows laid out.
 */
export function layoutStack(members: StorySource[], grid: BrowserGrid, stack: GridBox, limits: FitLimits | undefined): StoryPass[] {
  const jumper = members.findIndex((m) => m.data.jumpTo);
  const laidOut = (i: number) => minimalRows(members[i]!, grid, stackTop(stack, i), stack.rows, { trust: true }).rows;
  const natural = members.map((m, i) => (i === jumper ? { rows: 0, predicted: false } : predictedRows(m, grid, stackTop(stack, i), stack.rows, () => laidOut(i))));
  // Each round that is not the last lays out one more story's rows: it ends.
  for (;;) {
    const set = setStack(members, grid, stack, limits, natural.map((n) => n.rows), jumper, (i) => {
      if (!natural[i]!.predicted) return true;
      const guess = natural[i]!.rows;
      natural[i] = { rows: endsOnLastRow(plainPassAt(members[i]!, grid, stackTop(stack, i), guess)) ? guess : laidOut(i), predicted: false };
      return natural[i]!.rows === guess;
    });
    if (!set) continue;
    const wrong = set.findIndex((pass, i) => natural[i]!.predicted && !endsOnLastRow(pass));
    if (wrong < 0) return set;
    natural[wrong] = { rows: laidOut(wrong), predicted: false };
  }
}

/** Where a story's box starts while its natural rows are found: below the rule of the story above. */
function stackTop(stack: GridBox, index: number): GridBox {
  return { ...stack, row: stack.row + (index > 0 ? 1 : 0) };
}

/** The rows minimalRows (trusted) would give, from predictedStoryRows when it can tell, else from `laidOut`. */
function predictedRows(source: StorySource, grid: BrowserGrid, top: GridBox, maxRows: number, laidOut: () => number): { rows: number; predicted: boolean } {
  setBox(source, grid, { ...top, rows: maxRows });
  const rows = predictedStoryRows(source, grid, PLAIN);
  return rows === undefined ? { rows: laidOut(), predicted: false } : { rows: Math.max(1, Math.min(maxRows, rows)), predicted: true };
}

/**
 * The stack set from its stories' natural rows. A story about to be fitted to its share is
 * first `confirmed` (its predicted rows laid out): undefined when that changed its rows, and
 * the stack must be set again.
 */
function setStack(
  members: StorySource[],
  grid: BrowserGrid,
  stack: GridBox,
  limits: FitLimits | undefined,
  natural: number[],
  jumper: number,
  confirmed: (index: number) => boolean,
): StoryPass[] | undefined {
  const rows = [...natural];
  const settings: StorySettings[] = members.map(() => ({ ...PLAIN }));
  const weights = natural.map((n, i) => (i === jumper ? 0 : n));
  let spare = stack.rows - natural.reduce((a, b) => a + b, 0);
  // A line of air between stories is what a desk gives first; only more spare than that
  // (or too little room) is worth a fit search.
  const freeAir = jumper < 0 ? Math.min(Math.max(0, spare), members.length - 1) : 0;
  if (limits && spare - freeAir !== 0 && jumper < 0) {
    // Fitting: each story takes its share of the rest of the spare (or of the excess) in tracking.
    const toFit = spare - freeAir;
    const shares = spread(Math.abs(toFit), weights).map((s) => Math.sign(toFit) * s);
    if (!shares.every((share, i) => share === 0 || confirmed(i))) return undefined;
    members.forEach((m, i) => {
      if (shares[i] === 0) return;
      setBox(m, grid, { ...stackTop(stack, i), rows: natural[i]! + shares[i]! });
      const pass = fitStory(m, grid, limits);
      if (!holds(pass)) return;
      // Lines left empty in every column go back to the stack.
      rows[i] = pass.rows - (fits(pass) ? 0 : Math.floor(pass.short / stack.cols));
      settings[i] = pass.settings;
    });
    spare = stack.rows - rows.reduce((a, b) => a + b, 0);
  }
  if (jumper >= 0) {
    rows[jumper] = Math.max(0, spare);
    spare = Math.min(0, spare);
  } else if (spare > 0 && members.length > 1) {
    // Air between the stories, in whole lines, above each headline after the first.
    const gaps = spread(spare, members.map((_, i) => (i > 0 ? 1 : 0)));
    gaps.forEach((gap, i) => {
      rows[i]! += gap;
      settings[i]!.spacingLines += gap;
    });
    spare = 0;
  } else if (spare > 0) {
    rows[0]! += spare;
    spare = 0;
  }
  // Too long: the stories keep their order and height until the stack ends.
  let top = stack.row;
  const end = stack.row + stack.rows;
  return members.map((m, i) => {
    const height = Math.max(0, Math.min(rows[i]!, end - top));
    setBox(m, grid, { ...stack, row: top, rows: height });
    top += height;
    m.el.style.display = height === 0 ? 'none' : '';
    return layoutPass(m, grid, settings[i]!);
  });
}
