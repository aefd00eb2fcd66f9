/**
 * Benchmark editions from template copy: N broadsheet pages made by cycling the sample
 * edition's four pages (front, news, feature, news with the front's jump). Each group of
 * four pages gets its own copy of every story (renamed after the page that carries it),
 * keeps its photos and its A1→A4 style jump, now e.g. A5→A8.
 *
 *   npx tsx src/bench/generate-edition.ts --pages 24 --out output/bench/editions/bench-24p
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';

export const SAMPLE_EDITION = 'articles/2026-11-26';

export interface GenerateEditionOptions {
  /** Folder of the template edition (default: the sample edition). */
  source?: string;
  /** Number of pages to make, at least 1. */
  pages: number;
  /** The edition folder to write; replaced if it exists. */
  dir: string;
}

export interface GeneratedEdition {
  dir: string;
  pages: number;
  stories: number;
  /** Photos placed (figure directives and Markdown images in the placed stories). */
  photos: number;
  /** Stories continued on another page. */
  jumps: number;
}

interface StoryConfig {
  file: string;
  continue?: { page: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** `- stack: {…}` with its `stories:` (see the README). */
interface StackConfig {
  stack: unknown;
  stories: StoryConfig[];
}

interface PageConfig {
  id: string;
  stories?: (StoryConfig | StackConfig)[];
  [key: string]: unknown;
}

/**
 * Which template pages a group of `size` pages uses. A full group is the sample as it is;
 * a short one (the tail of an edition, or a tiny benchmark) keeps the jump's source and
 * target together, so every generated edition builds without overset.
 */
export function groupTemplatePages(size: number, templatePages: number): number[] {
  const all = Array.from({ length: templatePages }, (_, i) => i);
  if (size >= templatePages) return all;
  // The sample: 0 front (jump source), 1 news, 2 feature, 3 news (jump target).
  const preferred = templatePages === 4 ? [[2], [0, 3], [0, 1, 3]][size - 1]! : all.slice(0, size);
  return preferred;
}

/**
 * Page ids A1..AN over the groups, with the story files and jump targets renamed to match.
 * `files` maps each new story file to the template's.
 */
export function replicatePages(templatePages: PageConfig[], count: number): { pages: PageConfig[]; files: Map<string, string> } {
  if (!(count >= 1) || count > 999) throw new Error(`pages must be between 1 and 999, got ${count}`);
  const pages: PageConfig[] = [];
  const files = new Map<string, string>();
  for (let start = 0; start < count; start += templatePages.length) {
    const picked = groupTemplatePages(Math.min(templatePages.length, count - start), templatePages.length);
    const ids = new Map(picked.map((t, i) => [templatePages[t]!.id, `A${start + i + 1}`]));
    for (const t of picked) {
      const template = templatePages[t]!;
      const id = ids.get(template.id)!;
      const rename = (story: StoryConfig): StoryConfig => {
        const copy: StoryConfig = { ...story, file: storyFileName(id, story.file) };
        files.set(copy.file, story.file);
        if (story.continue) {
          const target = ids.get(story.continue.page);
          if (!target) throw new Error(`${template.id} jumps to ${story.continue.page}, which is not in the group`);
          copy.continue = { ...story.continue, page: target };
        }
        return copy;
      };
      // A stack's stories are renamed like any other; the stack keeps its rectangle.
      const stories = (template.stories ?? []).map((entry) => (isStack(entry) ? { ...entry, stories: entry.stories.map(rename) } : rename(entry)));
      pages.push({ ...template, id, stories });
    }
  }
  return { pages, files };
}

function isStack(entry: StoryConfig | StackConfig): entry is StackConfig {
  return 'stack' in entry;
}

/** A page's stories, those in stacks included, in order. */
export function placedStories(page: PageConfig): StoryConfig[] {
  return (page.stories ?? []).flatMap((entry) => (isStack(entry) ? entry.stories : [entry]));
}

/** `lead-x.md` on page A5 → `a5-lead-x.md`. */
export function storyFileName(pageId: string, file: string): string {
  return `${pageId.toLowerCase()}-${basename(file)}`;
}

const PHOTO = /^\s*::figure\{|!\[[^\]]*\]\(/gm;

/** Write a benchmark edition of `pages` pages; returns what it holds. */
export async function generateEdition(options: GenerateEditionOptions): Promise<GeneratedEdition> {
  const source = resolve(options.source ?? SAMPLE_EDITION);
  const dir = resolve(options.dir);
  const config = parse(await readFile(join(source, 'edition.yaml'), 'utf8')) as { pages: PageConfig[]; [key: string]: unknown };
  const templatePages = config.pages;
  const { pages, files } = replicatePages(templatePages, options.pages);

  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  // Photos, and the supplied ads the pages' `ads:` entries name (the sample's A4 has two).
  for (const folder of ['images', 'ads']) {
    if (existsSync(join(source, folder))) await cp(join(source, folder), join(dir, folder), { recursive: true });
  }

  let photos = 0;
  let jumps = 0;
  let stories = 0;
  for (const page of pages) {
    for (const story of placedStories(page)) {
      const text = await readFile(join(source, files.get(story.file)!), 'utf8');
      await writeFile(join(dir, story.file), text);
      photos += text.match(PHOTO)?.length ?? 0;
      if (story.continue) jumps++;
      stories++;
    }
  }
  const header = `# Benchmark edition: ${pages.length} pages generated from ${source} by src/bench/generate-edition.ts.\n`;
  await writeFile(join(dir, 'edition.yaml'), header + stringify({ ...config, pages }, { lineWidth: 0, aliasDuplicateObjects: false }));
  return { dir, pages: pages.length, stories, photos, jumps };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { pages: { type: 'string', default: '8' }, out: { type: 'string' }, source: { type: 'string' } },
  });
  const pages = Number(values.pages);
  const dir = values.out ?? join('output', 'bench', 'editions', `bench-${pages}p`);
  const made = await generateEdition({ pages, dir, source: values.source });
  process.stdout.write(`${made.dir}: ${made.pages} pages, ${made.stories} stories, ${made.photos} photos, ${made.jumps} jumps\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
