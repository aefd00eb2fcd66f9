import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { VFile } from 'vfile';
import { loadEdition } from '../../src/edition/load-edition.js';
import { processArticle } from '../../src/markdown/process-article.js';
import { articleMutation, chain, validYamlMutation, yamlMutation, type Mutation } from './mutators.js';

/**
 * The fuzz properties, shared by `npm test` (fixed seed, a few thousand cases) and
 * `npm run fuzz` (long runs): for any mutation of the sample edition, loadEdition and
 * processArticle throw nothing, every message names its file and, where the input has
 * lines, its line; no case takes over 2 s; and nothing is written.
 */

export const SAMPLE = resolve('articles/2026-11-26');
export const CASE_LIMIT_MS = 2_000;

/** Rules about a whole file, which have no line to point at. */
const WHOLE_FILE_RULES = new Set(['article-too-long', 'binary-file']);

export interface Seed {
  dir: string;
  yaml: string;
  articles: Map<string, string>;
  /** Slowest case so far, for the report. */
  slowest: { ms: number; what: string };
  cases: number;
  close(): void;
}

/** A private copy of the sample edition to mutate in place, case after case. */
export function makeSeed(sample = SAMPLE): Seed {
  const root = mkdtempSync(join(tmpdir(), 'pw-fuzz-'));
  const dir = join(root, 'edition');
  cpSync(sample, dir, { recursive: true });
  const articles = new Map(
    readdirSync(dir)
      .filter((name) => name.endsWith('.md'))
      .sort()
      .map((name) => [name, readFileSync(join(dir, name), 'utf8')] as const),
  );
  return {
    dir,
    yaml: readFileSync(join(dir, 'edition.yaml'), 'utf8'),
    articles,
    slowest: { ms: 0, what: '' },
    cases: 0,
    close: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** What the folder holds, to tell that a case wrote nothing. */
function listing(dir: string): string {
  return (readdirSync(dir, { recursive: true }) as string[])
    .sort()
    .map((name) => {
      const info = statSync(join(dir, name));
      return `${name} ${info.size} ${info.mtimeMs}`;
    })
    .join('\n');
}

interface Message {
  file: string;
  line?: number | null;
  ruleId?: string | null;
  reason: string;
}

/** Problems with the messages of one case: a missing file name, or a missing line where the text has lines. */
function messageProblems(files: VFile[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const text = typeof file.value === 'string' ? file.value : '';
    for (const m of file.messages as Message[]) {
      if (!file.path) problems.push(`message without a file: ${m.reason}`);
      const hasLines = text.length > 0;
      if (hasLines && !m.line && !WHOLE_FILE_RULES.has(m.ruleId ?? '')) problems.push(`message without a line in ${file.path}: ${m.ruleId}: ${m.reason}`);
    }
  }
  return problems;
}

async function timed<T>(seed: Seed, what: string, run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await run();
  const ms = performance.now() - start;
  seed.cases += 1;
  if (ms > seed.slowest.ms) seed.slowest = { ms, what };
  return { value, ms };
}

function fail(problems: string[], inputs: Record<string, string>): never {
  const shown = Object.entries(inputs)
    .map(([name, text]) => `--- ${name} (${text.length} chars) ---\n${text.length > 4000 ? `${text.slice(0, 4000)}…` : text}`)
    .join('\n');
  throw Object.assign(new Error(`${problems.join('\n')}\n${shown}`), { inputs });
}

/** One loadEdition case: a mutated edition.yaml and maybe one mutated article. */
export async function loadEditionCase(seed: Seed, yaml: Mutation | null, article: { index: number; mutate: Mutation } | null): Promise<void> {
  const inputs: Record<string, string> = {};
  const names = [...seed.articles.keys()];
  const name = article ? names[article.index % names.length]! : undefined;
  try {
    if (yaml) writeFileSync(join(seed.dir, 'edition.yaml'), (inputs['edition.yaml'] = yaml(seed.yaml)));
    if (article && name) writeFileSync(join(seed.dir, name), (inputs[name] = article.mutate(seed.articles.get(name)!)));
    const before = listing(seed.dir);
    let result;
    try {
      result = await timed(seed, `loadEdition ${Object.keys(inputs).join(', ')}`, () => loadEdition(seed.dir));
    } catch (error) {
      fail([`loadEdition threw: ${(error as Error).stack}`], inputs);
    }
    const problems = messageProblems(result.value.files);
    if (result.ms > CASE_LIMIT_MS) problems.push(`took ${Math.round(result.ms)} ms, over ${CASE_LIMIT_MS}`);
    if (listing(seed.dir) !== before) problems.push('wrote into the edition folder');
    if (problems.length > 0) fail(problems, inputs);
  } finally {
    // Back to the seed for the next case.
    writeFileSync(join(seed.dir, 'edition.yaml'), seed.yaml);
    if (name) writeFileSync(join(seed.dir, name), seed.articles.get(name)!);
  }
}

/** One processArticle case: a mutated article, processed as the build does. */
export async function processArticleCase(seed: Seed, index: number, mutate: Mutation): Promise<void> {
  const names = [...seed.articles.keys()];
  const name = names[index % names.length]!;
  const text = mutate(seed.articles.get(name)!);
  const file = new VFile({ path: join(seed.dir, name), value: text });
  const before = listing(seed.dir);
  let result;
  try {
    result = await timed(seed, `processArticle ${name}`, () => processArticle(file, { root: seed.dir, urlPrefix: '/edition', autospace: true }));
  } catch (error) {
    fail([`processArticle threw: ${(error as Error).stack}`], { [name]: text });
  }
  const problems = messageProblems([file]);
  if (result.ms > CASE_LIMIT_MS) problems.push(`took ${Math.round(result.ms)} ms, over ${CASE_LIMIT_MS}`);
  if (listing(seed.dir) !== before) problems.push('wrote into the edition folder');
  if (problems.length > 0) fail(problems, { [name]: text });
}

/** The property of loadEdition: edition.yaml mutated (mostly), an article mutated (sometimes). */
export function loadEditionProperty(seed: Seed) {
  const article = fc.record({ index: fc.nat(), mutate: chain(articleMutation, 3) });
  return fc.asyncProperty(
    fc.oneof(
      { arbitrary: fc.tuple(chain(validYamlMutation), fc.constant(null)), weight: 2 },
      { arbitrary: fc.tuple(chain(yamlMutation), fc.constant(null)), weight: 2 },
      { arbitrary: fc.tuple(fc.constant(null), article), weight: 1 },
      { arbitrary: fc.tuple(chain(yamlMutation, 2), article), weight: 1 },
    ),
    ([yaml, art]) => loadEditionCase(seed, yaml, art),
  );
}

export function processArticleProperty(seed: Seed) {
  return fc.asyncProperty(fc.nat(), chain(articleMutation), (index, mutate) => processArticleCase(seed, index, mutate));
}
