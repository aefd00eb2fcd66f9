/**
 * A late story change, timed: how long after a save the new plates are written.
 *
 *   npm run bench:change -- [--pages 8] [--edits 5] [--cli-runs 2] [--json output/bench-change.json]
 *   npx tsx src/bench/story-change.ts --ab [--edits 6] [--cli-runs 0]
 *
 * Generates an edition (as `npm run bench` does), builds it once, then edits stories and
 * times each save until the rebuilt pages' plates are written and preflighted:
 *   (w) `presswork build --watch`: the warm build session (browser, page cache, fonts);
 *   (c) a fresh `presswork build` process per change, as a scheduler or a script would run it.
 * Edits alternate between a story that stays on its page and one that jumps, whose change
 * re-renders its page and the continuation page. With `--ab`, (w) runs twice side by side on
 * two copies of the edition, in paired rounds that alternate which goes first: fresh tabs per
 * page (f, as before warm tabs) against warm tabs (w). Not a test: the numbers depend on the
 * machine and its load, which the output records.
 */
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { watchBuilds, type BuildWatch, type RebuildEvent } from '../commands/build-watch.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { PACKAGE_ROOT } from '../util/package-root.js';
import { articleOf, withMarker } from './edit-article.js';
import { generateEdition } from './generate-edition.js';
import { runChild } from './run-child.js';

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '8' },
    edits: { type: 'string', default: '6' },
    'cli-runs': { type: 'string', default: '2' },
    work: { type: 'string', default: 'output/bench-change' },
    json: { type: 'string', default: 'output/bench-change.json' },
    ab: { type: 'boolean', default: false },
  },
});

const log = (line: string) => process.stderr.write(`[bench:change ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor((list.length - 1) / 2)] ?? NaN;
const seconds = (ms: number | null) => (ms === null ? '–' : (ms / 1000).toFixed(2));

/** The article of the first story that continues on another page. */
async function jumpingArticle(editionDir: string): Promise<string | undefined> {
  const config = parse(await readFile(join(editionDir, 'edition.yaml'), 'utf8')) as { pages: { stories?: { file: string; continue?: unknown }[] }[] };
  const story = config.pages.flatMap((p) => p.stories ?? []).find((s) => s.continue);
  return story ? join(editionDir, story.file) : undefined;
}

interface Edit {
  mode: 'watch' | 'watch-fresh' | 'cli';
  article: string;
  rendered: string[];
  platesMs: number | null;
  doneMs: number;
  load: number;
  /** report.json timings of the rebuild (watch mode). */
  timings?: Record<string, number>;
}

async function main(): Promise<void> {
  const work = resolve(values.work);
  await rm(work, { recursive: true, force: true });
  const edition = await generateEdition({ pages: Number(values.pages), dir: join(work, 'edition') });
  const out = join(work, 'out');
  const articles = [await articleOf(edition.dir, 'A2'), await jumpingArticle(edition.dir)].filter((a): a is string => Boolean(a));
  const originals = new Map(await Promise.all(articles.map(async (a) => [a, await readFile(a, 'utf8')] as const)));
  const edits: Edit[] = [];
  let n = 0;
  /** Edit `article` (a path in the generated edition), in the copy at `dir` when given. */
  const edit = async (article: string, dir = edition.dir) => {
    n += 1;
    await writeFile(join(dir, relative(edition.dir, article)), withMarker(originals.get(article)!, `改稿${n}号`));
  };

  log(`${edition.pages} pages, ${edition.stories} stories; first build (not timed)`);
  // --ab: the same edits on a copy of the edition, watched with fresh tabs per page.
  const sides: { mode: Edit['mode']; dir: string; out: string; freshTabs: boolean }[] = [{ mode: 'watch', dir: edition.dir, out, freshTabs: false }];
  if (values.ab) {
    const copy = join(work, 'fresh', 'edition');
    await cp(edition.dir, copy, { recursive: true });
    sides.unshift({ mode: 'watch-fresh', dir: copy, out: join(work, 'out-fresh'), freshTabs: true });
  }
  const watchers: ((typeof sides)[number] & { events: RebuildEvent[]; watching: BuildWatch })[] = [];
  for (const side of sides) {
    const events: RebuildEvent[] = [];
    const watching = watchBuilds(
      { editions: [side.dir], out: side.out, strict: false, json: false, proofOnly: false, cache: true, logFormat: 'text', write: () => undefined, isTTY: false },
      { onRebuild: (event) => events.push(event), freshTabs: side.freshTabs },
    );
    watchers.push({ ...side, events, watching });
    await watching.ready; // one first build at a time
  }
  const timeOne = async (side: (typeof watchers)[number], article: string, measured: boolean) => {
    const seen = side.events.length;
    await edit(article, side.dir);
    const deadline = Date.now() + 300_000;
    while (side.events.length === seen) {
      if (Date.now() > deadline) throw new Error(`No rebuild within 300 s of saving ${article}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const event = side.events[seen]!;
    if (measured) {
      edits.push({ mode: side.mode, article: article.slice(edition.dir.length + 1), rendered: event.rendered, platesMs: event.platesMs, doneMs: event.doneMs, load: loadavg()[0]!, timings: event.report.timings });
      log(`${side.mode}: ${edits.at(-1)!.article} → rendered ${event.rendered.join(', ')}; plates ${seconds(event.platesMs)} s, done ${seconds(event.doneMs)} s after the save (load ${loadavg()[0]!.toFixed(1)})`);
    }
    await new Promise((r) => setTimeout(r, 500));
  };
  try {
    // One unmeasured edit per article first: the first rebuild warms the fonts and tabs.
    for (let i = 0; i < Number(values.edits) + articles.length; i++) {
      const article = articles[i % articles.length]!;
      // Paired rounds: each side edits the same article in turn, and the first to go alternates.
      const round = Math.floor(i / articles.length) % 2 === 0 ? watchers : [...watchers].reverse();
      for (const side of round) await timeOne(side, article, i >= articles.length);
    }
  } finally {
    for (const side of watchers) await side.watching.close();
  }

  for (let i = 0; i < Number(values['cli-runs']) * articles.length; i++) {
    const article = articles[i % articles.length]!;
    await edit(article);
    const child = await runChild(join(PACKAGE_ROOT, 'node_modules', '.bin', 'tsx'), [join(PACKAGE_ROOT, 'src', 'cli.ts'), 'build', edition.dir, '--out', out], { timeoutMs: 600_000 });
    const report = JSON.parse(await readFile(join(out, 'edition', 'report.json'), 'utf8')) as { pages: { id: string; timings?: unknown }[] };
    edits.push({ mode: 'cli', article: article.slice(edition.dir.length + 1), rendered: report.pages.filter((p) => p.timings).map((p) => p.id), platesMs: null, doneMs: Math.round(child.ms), load: loadavg()[0]! });
    log(`cli: ${edits.at(-1)!.article} → rendered ${edits.at(-1)!.rendered.join(', ')}; whole command ${seconds(child.ms)} s (exit ${child.code})`);
  }

  const cli = edits.filter((e) => e.mode === 'cli');
  const jumping = (e: Edit) => e.rendered.length > 1;
  const platesMedian = (mode: Edit['mode'], which: (e: Edit) => boolean) => median(edits.filter((e) => e.mode === mode && which(e)).map((e) => e.platesMs ?? NaN));
  const summary = {
    pages: edition.pages,
    watchPlatesMedianMs: median(edits.filter((e) => e.mode === 'watch').map((e) => e.platesMs ?? NaN)),
    watchDoneMedianMs: median(edits.filter((e) => e.mode === 'watch').map((e) => e.doneMs)),
    cliMedianMs: median(cli.map((e) => e.doneMs)),
    byStory: Object.fromEntries(
      sides.map((side) => [side.mode, { plainPlatesMedianMs: platesMedian(side.mode, (e) => !jumping(e)), jumpingPlatesMedianMs: platesMedian(side.mode, jumping) }]),
    ),
  };
  const lines = sides.map((side) => {
    const { plainPlatesMedianMs, jumpingPlatesMedianMs } = summary.byStory[side.mode]!;
    const count = edits.filter((e) => e.mode === side.mode).length;
    return `  build --watch${side.freshTabs ? ', fresh tabs' : ', warm tabs'} (${count} edits): plates ${seconds(plainPlatesMedianMs)} s after the save for a story on its page, ${seconds(jumpingPlatesMedianMs)} s for a jumping story (medians)\n`;
  });
  process.stdout.write(
    `\n${edition.pages}-page edition, one story saved at a time (${cli.length} CLI runs)\n${lines.join('')}` +
      `  build done ${seconds(summary.watchDoneMedianMs)} s after the save (warm, median)\n` +
      (cli.length ? `  fresh presswork build per change: ${seconds(summary.cliMedianMs)} s for the whole command (median)\n` : ''),
  );
  await writeFileAtomic(resolve(values.json), `${JSON.stringify({ startedAt: new Date().toISOString(), summary, edits }, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:change: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
