import { layoutPass, passesTellable, PLAIN, roomAt, showPass, typesetLines, type FitLimits, type Room, type StoryPass, type StorySettings, type StorySource } from './layout-story.js';
import type { BrowserGrid } from './geometry.js';
import { LineEstimate } from './line-estimate.js';

/** Letter-spacing is searched in steps of this many em. */
const TRACKING_STEP_EM = 0.005;
/** Layout passes one story's fit search may take, whatever the limits. */
export const MAX_FIT_PASSES = 16;
/**
 * Lines a prediction may be off by (keep rules and column breaks move a line or two): only
 * a prediction further than this from the edge of a fit stands in for a pass.
 */
const PREDICTION_SLACK_LINES = 1;
/** The same before any pass has shown the offset, which is then taken as 0 (it is on every story of the sample). */
const UNCALIBRATED_SLACK_LINES = 4;

/** A story fits when nothing is left over and at most one line is empty. */
export function fits(pass: StoryPass): boolean {
  return fitsOutcome(outcomeOf(pass, pass.settings));
}

/**
 * What a pass at some settings gives: laid out (`pass`), or told from its room and the
 * body's line count. `rest` is the blocks left over, or for a told pass the lines over.
 */
interface Outcome {
  /** The settings asked for (the plain pass's, changed by the search). */
  settings: StorySettings;
  rest: number;
  unplaced: number;
  capacity: number;
  used: number;
  short: number;
  pass?: StoryPass;
}

const fitsOutcome = (o: Outcome) => o.rest === 0 && o.unplaced === 0 && o.short <= 1;

function outcomeOf(pass: StoryPass, settings: StorySettings): Outcome {
  return { settings, rest: pass.rest.length, unplaced: pass.unplaced.length, capacity: pass.capacity, used: pass.used, short: pass.short, pass };
}

/**
 * Lay out a story at its box; when it does not fit and the edition allows, find the smallest
 * change that makes it. A story whose passes can be told from its line counts is searched
 * on those counts, and only the answer is laid out; when that pass is not what the counts
 * said, the search runs again on laid-out passes.
 */
export function fitStory(source: StorySource, grid: BrowserGrid, limits: FitLimits | undefined): StoryPass {
  const allowed = limits && allowedFor(source, limits);
  if (allowed && passesTellable(source)) {
    const told = new FitSearch(source, grid, allowed, 'told').toldAnswer();
    if (told) return told;
  }
  const plain = layoutPass(source, grid, PLAIN);
  if (!allowed || fits(plain) || plain.jumped || plain.unplaced.length > 0) return plain;
  return new FitSearch(source, grid, allowed, 'laid', plain).laidAnswer();
}

/** A story with no photo has no photo lines to change; a head the desk sized keeps its size. */
function allowedFor(source: StorySource, limits: FitLimits): FitLimits {
  const hasFigures = source.blocks.some((b) => b.tagName === 'FIGURE');
  const sized = source.data.headline?.sizePt !== undefined;
  return { ...limits, ...(hasFigures ? {} : { figureLines: 0 }), ...(sized ? { headlineSteps: 0 } : {}) };
}

/**
 * The fit search (拉排/挤排). Text too long: track tighter, then shorten the photos, then
 * step the headline down. Too short: the same the other way. Tracking alone comes first;
 * when it is not enough, the fewest photo lines (by bisection, with the tracking at its
 * limit), then the least tracking with them (by bisection).
 *
 * `laid`: the search lays passes out, and tells one from the line counts only when that is
 * far from the edge of a fit. `told`: every pass is told from the counts, and the answer is
 * laid out and checked against what they said.
 * The best pass found is laid out last, so the page shows it.
 */
class FitSearch {
  private passes = 1;
  private best!: Outcome;
  /** The pass laid out last: the one the page shows. */
  private last: StoryPass | undefined;
  /** Outcomes by the settings asked for: the search may ask for one twice, the page need not lay it twice. */
  private readonly known = new Map<string, Outcome>();
  /** The settings every pass starts from (those of the plain pass): the keys of `known`. */
  private plainSettings: StorySettings = PLAIN;

  private lineEstimate?: LineEstimate;
  /**
   * Lines a pass that held its text took beyond the body's one-column count (keep rules,
   * balanced column ends): with the room a pass would give, it predicts the pass. Told
   * passes take it as 0, and the check of the answer tells when it is not.
   */
  private offset?: number;
  /** The room of passes predicted, by their settings. */
  private readonly rooms = new Map<string, Room>();

  constructor(
    private readonly source: StorySource,
    private readonly grid: BrowserGrid,
    private readonly limits: FitLimits,
    private readonly mode: 'laid' | 'told',
    plain?: StoryPass,
  ) {
    if (mode === 'told') {
      this.offset = 0;
      return;
    }
    this.plainSettings = plain!.settings;
    this.last = plain;
    this.best = outcomeOf(plain!, plain!.settings);
    this.known.set(this.keyed({}).key, this.best);
    this.calibrate(this.best);
  }

  /** The answer of a laid search: the best pass, shown again unless it was laid out last. */
  laidAnswer(): StoryPass {
    const pass = this.search().pass!;
    return pass === this.last || showPass(this.source, pass) ? pass : this.at(pass.settings);
  }

  /**
   * The answer of a told search, laid out now and as the counts said; undefined when the
   * plain pass may fit, a box fits nowhere, the answer leaves text over (only a pass can
   * weigh its overset), or the counts were wrong.
   */
  toldAnswer(): StoryPass | undefined {
    // A story too long keeps its headline at the template's size, as its plain pass would.
    let plain = this.told({});
    if (plain.rest > 0 && this.room({}).headlineGrown) {
      this.plainSettings = { ...PLAIN, growHeadline: false };
      plain = this.told({});
    }
    // The plain pass is the answer, or a box fits nowhere: laid out as it stands.
    if (fitsOutcome(plain) || plain.unplaced > 0) return undefined;
    this.best = plain;
    this.known.set(this.keyed({}).key, plain);
    const answer = this.search();
    if (answer.rest > 0 || answer.unplaced > 0) return undefined;
    const pass = this.at(answer.settings);
    return pass.rest.length === 0 && pass.unplaced.length === 0 && pass.short === answer.short ? pass : undefined;
  }

  /** The best outcome: the first that fits, else the best seen. */
  private search(): Outcome {
    try {
      return this.searchFit() ?? this.best;
    } finally {
      this.lineEstimate?.dispose();
    }
  }

  private searchFit(): Outcome | undefined {
    const direction = this.best.rest > 0 ? -1 : 1;
    const figures = this.limits.figureLines ?? 0;
    // Everything the edition allows at once: when even that does not reach, nothing will.
    const all = { trackingEm: this.trackingLimit(direction), figureLines: figures * direction, headlineSteps: (this.limits.headlineSteps ?? 0) * direction };
    // A prediction may say it reaches; that it does not is laid out, as the page then shows it.
    if (!this.predictReached(direction, all) && !this.reached(direction, this.measure(all))) return undefined;
    // The headline moves last: a step changes the look of the page more than a line of photo.
    for (let headlineSteps = 0; headlineSteps <= (this.limits.headlineSteps ?? 0); headlineSteps++) {
      const steps = headlineSteps * direction;
      // A step that leaves the text the same frames (the head kept its lines) changes no pass.
      const roomWith = (step: number) => this.room({ trackingEm: all.trackingEm, headlineSteps: step }).frames;
      if (headlineSteps > 0 && roomWith(steps) === roomWith(steps - direction)) continue;
      const figureLines = this.smallestFigureChange(direction, figures, steps);
      if (figureLines === undefined) continue;
      const found = this.searchTracking(direction, figureLines, steps);
      if (found && fitsOutcome(found)) return found;
      if (this.passes >= MAX_FIT_PASSES) break;
    }
    return undefined;
  }

  /**
   * Photos grow (text too short) or shrink (too long) by the fewest lines that, with the
   * tracking at its limit, reach a fit; undefined when even the most does not.
   */
  private smallestFigureChange(direction: number, most: number, headlineSteps: number): number | undefined {
    const extreme = this.trackingLimit(direction);
    const passWith = (lines: number) => this.measure({ trackingEm: extreme, figureLines: lines * direction, headlineSteps });
    const predicted = (lines: number) => this.predictReached(direction, { trackingEm: extreme, figureLines: lines * direction, headlineSteps });
    const reachedWith = (lines: number) => predicted(lines) ?? this.reached(direction, passWith(lines));
    // Tracking alone is the smaller change: no photo search when it is enough.
    if (reachedWith(0)) return 0;
    // The most photo lines need no pass of their own unless predicted not to reach: the
    // bisection lays out the passes it cannot predict, and its answer.
    if (most === 0 || predicted(most) === false) return undefined;
    let low = 1;
    let high = most;
    while (low < high && this.passes < MAX_FIT_PASSES) {
      const mid = (low + high) >> 1;
      if (reachedWith(mid)) high = mid;
      else low = mid + 1;
    }
    // The answer is laid out, predicted or not: the tracking search starts from that pass.
    let answer = passWith(high);
    while (high < most && !this.reached(direction, answer) && this.passes < MAX_FIT_PASSES) answer = passWith(++high);
    return this.reached(direction, answer) ? high * direction : undefined;
  }

  private trackingLimit(direction: number): number {
    const range = this.limits.tracking;
    const limit = range ? (direction < 0 ? range.min : range.max) : 0;
    return Math.sign(limit) === direction ? limit : 0;
  }

  /** Tighter: nothing is left over. Looser: at most one line is empty, or it has begun to overflow. */
  private reached(direction: number, o: Outcome): boolean {
    return direction < 0 ? o.rest === 0 : o.short <= 1 || o.rest > 0;
  }

  /**
   * A pass at `settings`, laid out (told, in a told search); one asked for before counts
   * towards the bound as if laid again, so the search takes the same steps.
   */
  private measure(settings: Partial<StorySettings>): Outcome {
    this.passes++;
    const { full, key } = this.keyed(settings);
    const known = this.known.get(key);
    if (known) return known;
    if (this.mode === 'told') return this.told(settings);
    const made = outcomeOf(this.at(full), full);
    this.known.set(key, made);
    this.last = made.pass;
    this.calibrate(made);
    if (better(made, this.best)) this.best = made;
    return made;
  }

  private at(settings: StorySettings): StoryPass {
    return layoutPass(this.source, this.grid, settings);
  }

  /** What a pass at `settings` would give, from its room and the body's lines at its tracking. */
  private told(settings: Partial<StorySettings>): Outcome {
    const { full, key } = this.keyed(settings);
    const known = this.known.get(key);
    if (known) return known;
    const room = this.room(settings);
    const lines = this.linesAt(full.trackingEm) + (this.offset ?? 0);
    const over = Math.max(0, lines - room.capacity);
    const made: Outcome = { settings: full, rest: over, unplaced: room.unplaced, capacity: room.capacity, used: lines - over, short: over > 0 ? 0 : room.capacity - lines };
    if (this.mode === 'told') {
      this.known.set(key, made);
      if (this.best && better(made, this.best)) this.best = made;
    }
    return made;
  }

  /** A pass's whole settings (the plain pass's, changed by `settings`) and the key `known` and `rooms` keep it by. */
  private keyed(settings: Partial<StorySettings>): { full: StorySettings; key: string } {
    const full = { ...this.plainSettings, ...settings };
    return { full, key: JSON.stringify(full) };
  }

  private room(settings: Partial<StorySettings>): Room {
    const { full, key } = this.keyed(settings);
    const known = this.rooms.get(key);
    if (known) return known;
    const room = roomAt(this.source, this.grid, full);
    this.rooms.set(key, room);
    // The story shows a half pass now: finish() shows the chosen one again.
    this.last = undefined;
    return room;
  }

  private calibrate(o: Outcome): void {
    if (o.rest > 0 || o.unplaced > 0) return;
    this.offset = o.used - this.linesAt(o.settings.trackingEm);
  }

  /**
   * Whether a pass at `settings` would reach a fit, told without laying its text out: the
   * room from placing the rest (roomAt) against the body's lines at its tracking. Undefined
   * when the answer is too close to call (never in a told search).
   */
  private predictReached(direction: number, settings: Partial<StorySettings>): boolean | undefined {
    const known = this.known.get(this.keyed(settings).key);
    if (known) return this.reached(direction, known);
    const told = this.told(settings);
    const spare = told.capacity - (told.used + told.rest);
    const slack = this.mode === 'told' ? 0 : this.offset === undefined ? UNCALIBRATED_SLACK_LINES : PREDICTION_SLACK_LINES;
    // Tighter reaches with no line over (spare ≥ 0); looser with at most one empty, or overflowing (spare ≤ 1).
    if (direction < 0) return spare >= slack ? true : spare <= -1 - slack ? false : undefined;
    return spare <= 1 - slack ? true : spare >= 2 + slack ? false : undefined;
  }

  /**
   * The least tracking towards `direction` that reaches a fit: bisected on the body's line
   * count in one column (set against a real pass that holds its text), then confirmed by
   * real passes from there.
   */
  private searchTracking(direction: number, figureLines: number, headlineSteps: number): Outcome | undefined {
    const steps = Math.floor(Math.abs(this.trackingLimit(direction)) / TRACKING_STEP_EM + 1e-9);
    const trackingAt = (k: number) => Math.round(direction * k * TRACKING_STEP_EM * 1000) / 1000;
    const cache = new Map<number, Outcome>();
    const passAt = (k: number) => cache.get(k) ?? cache.set(k, this.measure({ trackingEm: trackingAt(k), figureLines, headlineSteps })).get(k)!;
    const limit = passAt(steps);
    if (this.passes >= MAX_FIT_PASSES || !this.reached(direction, limit)) return limit;
    // What a real pass takes beyond the count (rules, crossheads, split paragraphs), from one
    // that holds its text: the limit, or when that overflows (loosening), the pass untracked.
    const calibration = limit.rest === 0 || this.passes >= MAX_FIT_PASSES ? steps : 0;
    const calibrated = passAt(calibration);
    const offset = calibrated.pass ? calibrated.used - this.linesAt(trackingAt(calibration)) : (this.offset ?? 0);
    const predictedReach = (k: number) => {
      const used = this.linesAt(trackingAt(k)) + offset;
      return direction < 0 ? used <= limit.capacity : limit.capacity - used <= 1 || used > limit.capacity;
    };
    let low = 0;
    let high = steps;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (predictedReach(mid)) high = mid;
      else low = mid + 1;
    }
    let k = high;
    while (k < steps && !this.reached(direction, passAt(k)) && this.passes < MAX_FIT_PASSES) k++;
    // The estimate may be a step cautious: one real pass tells.
    const reachedAt = (step: number) => this.predictReached(direction, { trackingEm: trackingAt(step), figureLines, headlineSteps }) ?? this.reached(direction, passAt(step));
    if (k > 0 && this.passes < MAX_FIT_PASSES && reachedAt(k - 1)) k--;
    const found = passAt(k);
    // Loosened one step too far: the step before is the best it gets.
    if (direction > 0 && found.rest > 0 && k > 0) return passAt(k - 1);
    return found;
  }

  /** Body lines in one column at a tracking: as the line rules set them, or with the rules off, as the text runs. */
  private linesAt(trackingEm: number): number {
    const typeset = typesetLines(this.source, this.grid, trackingEm);
    if (typeset !== undefined) return typeset;
    this.lineEstimate ??= new LineEstimate(this.source, this.grid);
    return this.lineEstimate.lines(trackingEm);
  }
}

/** Fewer lines over first, then fewer empty, then the smaller change. A told pass's overset is weighed only as none or some. */
function better(a: Outcome, b: Outcome): boolean {
  const over = (o: Outcome) =>
    o.pass ? [...o.pass.rest, ...o.pass.unplaced.map((u) => u.block)].reduce((n, b) => n + (b.textContent ?? '').length, 0) : o.rest + o.unplaced > 0 ? Infinity : 0;
  if (over(a) !== over(b)) return over(a) < over(b);
  if (over(a) === 0 && a.short !== b.short) return a.short < b.short;
  return change(a) < change(b);
}

/** How far a pass is from the plain one: what it really changed when laid out (a photo stops growing at its resolution). */
function change(o: Outcome): number {
  const s = o.pass?.settings ?? o.settings;
  return Math.abs(s.trackingEm) / TRACKING_STEP_EM + Math.abs(s.figureLines) + 3 * Math.abs(s.headlineSteps);
}
