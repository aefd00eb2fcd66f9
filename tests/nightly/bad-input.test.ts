import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'puppeteer-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdition } from '../../src/pipeline/build-edition.js';
import { prepareEdition } from '../../src/pipeline/prepare-edition.js';
import { launchChromium } from '../../src/render/chromium.js';
import type { EditionReport } from '../../src/report/edition-report.js';
import { messagesFromFiles, type ReportMessage } from '../../src/report/messages.js';

/**
 * The bad-input corpus (tests/fixtures/bad, table in its README): every case gives its
 * exact message with file and line, none crashes or hangs, none leaves a PDF for the page
 * at fault, and a good page beside a bad one still builds.
 */

/** The shared page measures, copied into the repository for CI (see their ORIGIN.md). */
const SHARED_TOOLS = resolve('tests', 'tools', 'page-measures');
const BAD = resolve('tests/fixtures/bad');
const PREPARE_MS = 30_000;
const BUILD_MS = 150_000;

type Expected = Pick<ReportMessage, 'severity' | 'file' | 'line' | 'column' | 'ruleId'> & { message: string | RegExp };

interface Case {
  name: string;
  /** Writes what is too big, binary or undecodable to commit into the temp copy. */
  setup?: (dir: string) => Promise<void> | void;
  /** Every message prepareEdition gives, in order: nothing more, nothing less. */
  expected: Expected[];
  /** The only errors are about edition.yaml's layout, so pages still render (see README). */
  layoutOnly?: boolean;
  /** Warnings only: the edition builds, `ok`, with a proof (an error under --strict). */
  warnOnly?: boolean;
}

const error = (file: string, line: number | null, column: number | null, ruleId: string, message: string | RegExp): Expected => ({
  severity: 'error',
  file,
  line,
  column,
  ruleId,
  message,
});
const warning = (...args: Parameters<typeof error>): Expected => ({ ...error(...args), severity: 'warning' });

const HEAD = '---\ntitle: 长文\n---\n';
const YAML_REFUSED =
  'YAML was refused: Excessive alias count indicates a resource exhaustion attack; expected aliases (`*name`) that repeat a value a few times, not aliases of aliases that multiply it: write the values out';

/** The 60-megapixel photo, encoded once per run (it takes seconds). */
let huge: Promise<Buffer> | undefined;
const hugeJpeg = () => (huge ??= sharp({ create: { width: 8000, height: 7500, channels: 3, background: '#888' } }).jpeg().toBuffer());

const CASES: Case[] = [
  {
    name: 'yaml-syntax',
    expected: [error('edition.yaml', 7, 14, 'yaml-syntax', 'YAML does not parse: Nested mappings are not allowed in compact mappings; put quotes around a value that contains `: `')],
  },
  {
    name: 'yaml-alias-flood',
    expected: [error('edition.yaml', 14, 12, 'yaml-refused', YAML_REFUSED)],
  },
  {
    name: 'front-matter-alias-flood',
    expected: [error('story.md', 4, 10, 'yaml-refused', YAML_REFUSED)],
  },
  {
    name: 'unknown-yaml-tag',
    warnOnly: true,
    expected: [
      warning('edition.yaml', 4, 10, 'yaml-tag', 'Unknown YAML tag `!!js/function`: its value is read as plain text; remove the tag'),
      warning('edition.yaml', 8, 14, 'yaml-tag', 'Unknown YAML tag `!section`: its value is read as plain text; remove the tag'),
      warning('story.md', 3, 9, 'yaml-tag', 'Unknown YAML tag `!custom`: its value is read as plain text; remove the tag'),
    ],
  },
  {
    name: 'empty-page',
    warnOnly: true,
    expected: [
      warning('edition.yaml', 12, 9, 'empty-page', 'Page A2 has no stories and no story continues on it, so it prints empty; add its `stories:` or remove the page'),
    ],
  },
  {
    name: 'missing-title',
    expected: [error('story.md', 2, 1, 'schema', 'Missing required field `title`; expected text')],
  },
  {
    name: 'wrong-type',
    expected: [error('edition.yaml', 10, 29, 'schema', 'Invalid `pages[0].stories[0].box.cols`: found the text `two`, expected a number')],
  },
  {
    name: 'wrong-type-front-matter',
    expected: [error('story.md', 3, 7, 'schema', 'Invalid `tags`: found the text `经济`, expected a list')],
  },
  {
    name: 'unknown-template',
    expected: [error('edition.yaml', 6, 15, 'schema', 'Invalid `pages[0].template`: found the text `sports`, expected one of `front`, `news`, `feature`')],
  },
  {
    name: 'missing-article',
    expected: [error('edition.yaml', 9, 15, 'missing-file', 'Article `missing.md` does not exist; expected a Markdown file in the edition folder')],
  },
  {
    name: 'duplicate-page',
    layoutOnly: true,
    expected: [
      error('edition.yaml', 11, 9, 'duplicate-page', 'Duplicate page id `A1` in `pages[1].id`, already used by `pages[0]` on line 5; each page needs its own id'),
    ],
  },
  {
    name: 'overlapping-boxes',
    layoutOnly: true,
    expected: [
      error('edition.yaml', 12, 14, 'box-overlap', 'Boxes overlap on A1: `other.md` (columns 2–3, rows 10–29) overlaps `story.md` (columns 1–2, rows 1–20)'),
    ],
  },
  {
    name: 'box-outside-grid',
    layoutOnly: true,
    expected: [
      error('edition.yaml', 10, 14, 'box-outside-grid', 'Box of `story.md` on A1 covers columns 7–9, rows 1–20, outside the grid; expected columns 1–8 and rows 1–99'),
    ],
  },
  {
    name: 'missing-image',
    expected: [error('story.md', 6, 1, 'missing-image', 'Image `images/bridge.jpg` does not exist')],
  },
  {
    name: 'corrupt-image',
    setup: (dir) => {
      mkdirSync(join(dir, 'images'));
      // A few bytes of noise under a JPEG name.
      writeFileSync(join(dir, 'images', 'corrupt.jpg'), Buffer.from([0x3a, 0x91, 0x07, 0xee, 0x52, 0x18, 0xc4, 0x6d, 0x2b, 0xf0, 0x9a, 0x11]));
    },
    expected: [
      error('story.md', 6, 1, 'corrupt-image', 'Image `images/corrupt.jpg` cannot be read (unsupported image format); expected a complete JPEG, PNG or WebP file'),
    ],
  },
  {
    name: 'truncated-image',
    setup: async (dir) => {
      mkdirSync(join(dir, 'images'));
      const noise = { type: 'gaussian' as const, mean: 128, sigma: 30 };
      const jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#888', noise } }).jpeg().toBuffer();
      // An interrupted copy: the header is intact, so only decoding the data finds the fault.
      writeFileSync(join(dir, 'images', 'truncated.jpg'), jpeg.subarray(0, jpeg.length >> 1));
    },
    expected: [
      error('story.md', 6, 1, 'corrupt-image', 'Image `images/truncated.jpg` cannot be read (premature end of JPEG image); expected a complete JPEG, PNG or WebP file'),
    ],
  },
  {
    name: 'huge-image',
    setup: async (dir) => {
      mkdirSync(join(dir, 'images'));
      writeFileSync(join(dir, 'images', 'huge.jpg'), await hugeJpeg());
    },
    expected: [
      error('story.md', 6, 1, 'image-too-large', 'Image `images/huge.jpg` is 60.0 megapixels (8000×7500), over the 40 MP limit; resize it to print size'),
    ],
  },
  {
    name: 'empty-article',
    expected: [
      error('story.md', 4, 1, 'empty-article', 'Article body is empty: found front matter but no text below it; expected the story text after the closing `---`'),
    ],
  },
  {
    name: 'empty-file',
    expected: [error('story.md', 1, 1, 'empty-article', 'Article is empty (no characters); expected front matter with a `title:` and the story text')],
  },
  {
    name: 'long-article',
    setup: (dir) => {
      const paragraph = '新桥今天正式通车，全长一千二百米。\n\n';
      const body = paragraph.repeat(Math.ceil(200_000 / paragraph.length)).slice(0, 200_000 - HEAD.length);
      writeFileSync(join(dir, 'story.md'), HEAD + body);
    },
    expected: [
      error('story.md', null, null, 'article-too-long', 'Article is 200000 characters long, over the limit of 100000; split it or check for a paste accident'),
    ],
  },
  {
    name: 'nested-lists',
    expected: [warning('story.md', 9, 7, 'list-depth', 'List nested 30 levels deep; expected at most 3 levels, as each level narrows the column: flatten it')],
  },
  {
    name: 'nested-lists-one-line',
    expected: [
      error('story.md', 6, 1, 'nesting-too-deep', 'Found 1000 lists or quotes nested on one line; expected at most 50 levels, so the article was not processed'),
    ],
  },
  {
    name: 'emphasis-flood',
    expected: [
      error('story.md', 4, 1504, 'emphasis-flood', 'Found more than 500 emphasis marks (`*`, `_`) in one paragraph; expected at most 500, so the article was not processed'),
    ],
  },
  {
    name: 'binary-md',
    setup: (dir) => {
      // A Word document saved under a .md name: a zip file.
      writeFileSync(join(dir, 'story.md'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00]));
    },
    expected: [error('story.md', null, null, 'binary-file', 'Article `story.md`: file is binary (found a NUL byte at offset 5); expected Markdown text')],
  },
  {
    name: 'non-utf8',
    setup: (dir) => {
      // 新桥通车 in GBK, as an older Windows editor saves it.
      const gbk = Buffer.from([0xd0, 0xc2, 0xc7, 0xc5, 0xcd, 0xa8, 0xb3, 0xb5]);
      writeFileSync(join(dir, 'story.md'), Buffer.concat([Buffer.from('---\ntitle: '), gbk, Buffer.from('\n---\n正文。\n')]));
    },
    expected: [
      error(
        'story.md',
        2,
        8,
        'encoding',
        'Article `story.md`: file is not valid UTF-8: found byte 0xD0 at offset 11; expected UTF-8 text (convert a GBK or GB 2312 file to UTF-8)',
      ),
    ],
  },
  {
    name: 'fifo-article',
    // A named pipe under the article's name: reading it would block the build for good.
    setup: (dir) => {
      execFileSync('mkfifo', [join(dir, 'story.md')]);
    },
    expected: [error('edition.yaml', 9, 15, 'missing-file', 'Article `story.md` is a pipe or a device, not a file; expected a Markdown file in the edition folder')],
  },
  {
    name: 'folder-image',
    setup: (dir) => {
      mkdirSync(join(dir, 'images', 'bridge.jpg'), { recursive: true });
    },
    expected: [error('story.md', 6, 1, 'corrupt-image', 'Image `images/bridge.jpg` is a folder, not a file; expected a JPEG, PNG or WebP file')],
  },
  {
    name: 'image-path-escape',
    expected: [
      error('story.md', 6, 1, 'path-escape', 'Image path `../../etc/passwd` leaves the edition folder'),
      error('story.md', 8, 1, 'path-escape', 'Image path `/etc/passwd` must be a path relative to the edition folder'),
    ],
  },
  {
    name: 'raw-html',
    expected: [
      warning('story.md', 6, 1, 'raw-html', 'Raw HTML is not allowed in articles and was removed: `<script>alert(1)</script>`'),
      warning('story.md', 8, 1, 'raw-html', 'Raw HTML is not allowed in articles and was removed: `<iframe src="https://evil.example/"></iframe>`'),
      warning('story.md', 10, 1, 'raw-html', 'Raw HTML is not allowed in articles and was removed: `<img src="file:///etc/passwd">`'),
      warning('story.md', 12, 3, 'unsafe-link', 'Link to `file:///etc/passwd` was removed and its text kept; expected an http, https, mailto or relative address'),
      error('story.md', 14, 1, 'path-escape', 'Image path `file:///etc/passwd` must be a path relative to the edition folder'),
    ],
  },
  {
    name: 'unbreakable-string',
    expected: [],
  },
  {
    name: 'headline-size',
    expected: [
      error('story.md', 3, 18, 'schema', 'Invalid `headline.size`: found the text `七号`, expected a 字号 name (初号, 小初, 一号, 小一, 二号, 小二, 三号, 小三, 四号, 小四, 五号, 小五) or a size in pt like `26pt` (9–84)'),
    ],
  },
  {
    name: 'headline-font',
    expected: [
      error('story.md', 3, 18, 'headline-font', 'Unknown font role `songti` in `headline.font` of `story.md`; expected a role the styles or the house style define: `body`, `heading`, `kai`'),
    ],
  },
  {
    name: 'headline-vertical-stack',
    expected: [
      error('story.md', 3, 23, 'headline-vertical-box', '`story.md` has a vertical headline (`headline.direction: vertical`) but is in a stack; a vertical headline needs a box of fixed rows of its own: give it one, or set the head across'),
    ],
  },
  // Loads clean; the layout finds the headline too long for its box (its own real-build test below).
  {
    name: 'headline-overflow',
    expected: [],
  },
];

const temps: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A fresh copy of a fixture, named like the case (the report names the edition after its folder). */
async function copyCase(testCase: Pick<Case, 'name' | 'setup'>): Promise<string> {
  const dir = join(tempDir('pw-bad-'), testCase.name);
  cpSync(join(BAD, testCase.name), dir, { recursive: true });
  await testCase.setup?.(dir);
  return dir;
}

/** Messages as the report shows them, for exact comparison with the table. */
function shown(messages: ReportMessage[]): Expected[] {
  return messages.map(({ severity, file, line, column, ruleId, message }) => ({ severity, file, line, column, ruleId, message }));
}

function matching(expected: Expected[]) {
  return expected.map((e) => ({ ...e, message: typeof e.message === 'string' ? e.message : expect.stringMatching(e.message) }));
}

describe('bad input: loading and processing (no browser)', () => {
  for (const testCase of CASES) {
    it(
      `${testCase.name}: ${testCase.expected[0]?.ruleId ?? 'no message'}`,
      async () => {
        const dir = await copyCase(testCase);
        const { prepared, files } = await prepareEdition(dir);
        expect(shown(messagesFromFiles(files, dir))).toEqual(matching(testCase.expected));
        if (prepared) {
          // The page of a story with errors is never built (brokenFiles or a story left out).
          const errorFiles = new Set(testCase.expected.filter((e) => e.severity === 'error').map((e) => e.file));
          for (const file of errorFiles) {
            if (file !== 'edition.yaml') expect(prepared.brokenFiles.has(join(dir, file)), file).toBe(true);
          }
        }
      },
      PREPARE_MS,
    );
  }

  it(
    'keeps a reader-facing message for every case in the README table',
    () => {
      const readme = readFileSync(join(BAD, 'README.md'), 'utf8');
      for (const testCase of CASES) {
        expect(readme, testCase.name).toContain(`\`${testCase.name}\``);
        for (const e of testCase.expected) if (typeof e.message === 'string') expect(readme, testCase.name).toContain(e.message.replace(/\|/g, '\\|'));
      }
    },
    PREPARE_MS,
  );
});

describe('bad input: real builds in Chromium', () => {
  let browser: Browser;
  let out: string;

  beforeAll(async () => {
    browser = await launchChromium();
    out = tempDir('pw-bad-out-');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  const build = (dir: string) => buildEdition(dir, { out, browser: async () => browser, proofOnly: true });
  const outputOf = (name: string) => join(out, name);
  const readReport = (name: string): EditionReport => JSON.parse(readFileSync(join(outputOf(name), 'report.json'), 'utf8')) as EditionReport;

  it(
    'wraps an unbreakable 500-character string: no overset, no text lost, a proof is written',
    async () => {
      const dir = await copyCase({ name: 'unbreakable-string' });
      const report = await build(dir);
      expect(readReport('unbreakable-string')).toEqual(report);
      expect(report.messages.filter((m) => m.severity === 'error')).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.pages.map((p) => [p.id, p.ok, p.stories.map((s) => s.overset)])).toEqual([['A1', true, [{ chars: 0, lines: 0 }]]]);
      // Verification looks for every character of the source, the 500 `A`s included.
      expect(report.verify.missingChars).toBe(0);
      expect(existsSync(join(outputOf('unbreakable-string'), 'unbreakable-string.pdf'))).toBe(true);
    },
    BUILD_MS,
  );

  it(
    'lays out a list nested 30 levels deep: warned at its line, overset reported, nothing crashes',
    async () => {
      const dir = await copyCase({ name: 'nested-lists' });
      const report = await build(dir);
      expect(readReport('nested-lists')).toEqual(report);
      expect(shown(report.messages)).toEqual(
        matching([
          warning('story.md', 9, 7, 'list-depth', 'List nested 30 levels deep; expected at most 3 levels, as each level narrows the column: flatten it'),
          error('story.md', null, null, 'overset', /^A1 story: overset \d+ chars \/ \d+ lines; cut \d+ chars, enlarge its box or add a `continue` jump$/),
        ]),
      );
      expect(report.pages[0]?.ok).toBe(true);
    },
    BUILD_MS,
  );

  it(
    'refuses a headline taller than its box: an error at the title line, and no text printed over text',
    async () => {
      const dir = await copyCase({ name: 'headline-overflow' });
      const report = await build(dir);
      expect(readReport('headline-overflow')).toEqual(report);
      expect(shown(report.messages).filter((m) => m.severity !== 'info')).toEqual(
        matching([
          error('story.md', 2, 8, 'headline-overflow', 'A1 story: the headline does not fit box {col: 1, cols: 2, row: 1, rows: 10}: 4 lines at 14 pt, more than 3; shorten the title or give the story a wider or taller box'),
        ]),
      );
      expect(report.ok).toBe(false);
      expect(report.pages[0]?.stories[0]?.headline).toMatchObject({ sizePt: 14, lines: 4 });
      const overlaps = execFileSync('python3', [join(SHARED_TOOLS, 'overlaps.py'), join(outputOf('headline-overflow'), 'headline-overflow.pdf')], { encoding: 'utf8' });
      expect(overlaps.trim().split('\n').at(-1)).toBe('0 overlapping pairs');
    },
    BUILD_MS,
  );

  it(
    'builds the good page beside a page whose image is missing, and writes no proof',
    async () => {
      const dir = await copyCase({ name: 'good-beside-bad' });
      const report = await build(dir);
      const edition = outputOf('good-beside-bad');
      expect(readReport('good-beside-bad')).toEqual(report);
      expect(report.ok).toBe(false);
      expect(report.pages.map((p) => [p.id, p.ok, p.pdf])).toEqual([
        ['A1', true, 'pages/A1.pdf'],
        ['A2', false, null],
      ]);
      expect(existsSync(join(edition, 'pages', 'A1.pdf'))).toBe(true);
      expect(existsSync(join(edition, 'pages', 'A2.pdf'))).toBe(false);
      expect(report.pdf).toBeNull();
      expect(existsSync(join(edition, 'good-beside-bad.pdf'))).toBe(false);
      expect(shown(report.messages.filter((m) => m.severity === 'error'))).toEqual([
        error('broken.md', 6, 1, 'missing-image', 'Image `images/bridge.jpg` does not exist'),
        error('', null, null, 'page-skipped', 'Page A2 was not built: broken.md has errors'),
        error('', null, null, 'proof-incomplete', 'Proof not written: 1 of 2 pages failed'),
      ]);
    },
    BUILD_MS,
  );

  it(
    'builds the good page beside a page whose article does not exist, and writes no proof',
    async () => {
      const dir = await copyCase({ name: 'good-beside-missing' });
      const report = await build(dir);
      const edition = outputOf('good-beside-missing');
      expect(report.pages.map((p) => [p.id, p.ok])).toEqual([
        ['A1', true],
        ['A2', false],
      ]);
      expect(existsSync(join(edition, 'pages', 'A1.pdf'))).toBe(true);
      expect(existsSync(join(edition, 'pages', 'A2.pdf'))).toBe(false);
      expect(existsSync(join(edition, 'good-beside-missing.pdf'))).toBe(false);
      expect(shown(report.messages.filter((m) => m.severity === 'error'))).toEqual([
        error('edition.yaml', 15, 15, 'missing-file', 'Article `missing.md` does not exist; expected a Markdown file in the edition folder'),
        error('', null, null, 'page-skipped', 'Page A2 was not built: missing.md has errors'),
        error('', null, null, 'proof-incomplete', 'Proof not written: 1 of 2 pages failed'),
      ]);
    },
    BUILD_MS,
  );

  it(
    'builds a good edition next to a bad one: the good proof is written, the bad edition writes none',
    async () => {
      const good = await copyCase({ name: 'good' });
      const bad = await copyCase(CASES.find((c) => c.name === 'binary-md')!);
      const [badReport, goodReport] = [await build(bad), await build(good)];
      expect(goodReport.ok).toBe(true);
      expect(goodReport.pdf).toBe('good.pdf');
      expect(existsSync(join(outputOf('good'), 'good.pdf'))).toBe(true);
      expect(badReport.ok).toBe(false);
      expect(badReport.pdf).toBeNull();
      expect(existsSync(join(outputOf('binary-md'), 'binary-md.pdf'))).toBe(false);
      expect(existsSync(join(outputOf('binary-md'), 'pages', 'A1.pdf'))).toBe(false);
    },
    BUILD_MS,
  );

  describe('every case through a whole build', () => {
    for (const testCase of CASES.filter((c) => !['unbreakable-string', 'nested-lists', 'headline-overflow'].includes(c.name))) {
      it(
        `${testCase.name}: reported in report.json, no crash${testCase.layoutOnly ? '' : testCase.warnOnly ? ', builds' : ', no PDF'}`,
        async () => {
          const dir = await copyCase(testCase);
          const report = await build(dir);
          const onDisk = readReport(testCase.name);
          expect(onDisk).toEqual(report);
          if (testCase.warnOnly) {
            expect(shown(report.messages)).toEqual(matching(testCase.expected));
            expect(report.ok).toBe(true);
            expect(existsSync(join(outputOf(testCase.name), `${testCase.name}.pdf`))).toBe(true);
            return;
          }
          expect(report.ok).toBe(false);
          // The load and Markdown messages reach the report unchanged, first.
          expect(shown(report.messages.slice(0, testCase.expected.length))).toEqual(matching(testCase.expected));
          if (testCase.layoutOnly) return; // see the README: these pages are still built
          expect(report.pdf).toBeNull();
          expect(report.pages.every((p) => !p.ok && p.pdf === null)).toBe(true);
          expect(existsSync(join(outputOf(testCase.name), `${testCase.name}.pdf`))).toBe(false);
          expect(existsSync(join(outputOf(testCase.name), 'pages', 'A1.pdf'))).toBe(false);
        },
        BUILD_MS,
      );
    }
  });
});
