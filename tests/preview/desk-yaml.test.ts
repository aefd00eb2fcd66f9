import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyYamlChange } from '../../src/server/desk-yaml.js';
import { SAMPLE } from './preview-fixture.js';

const sample = readFileSync(`${SAMPLE}/edition.yaml`, 'utf8');

/** The lines that differ between two texts of the same line count. */
const changedLines = (a: string, b: string) => {
  const x = a.split('\n');
  const y = b.split('\n');
  expect(y.length).toBe(x.length);
  return x.flatMap((line, i) => (line === y[i] ? [] : [[line, y[i]]]));
};

describe('desk edits of edition.yaml text', () => {
  it('changes only the numbers of one box, whatever the numbers', () => {
    // Every boxed story, stack and figure of the sample, with its YAML path.
    const config = parse(sample) as { pages: { stories: Record<string, unknown>[] }[] };
    const boxes = config.pages.flatMap((page, pi) =>
      page.stories.flatMap((entry, si) => [
        ...(entry.box ? [['pages', pi, 'stories', si, 'box']] : []),
        ...(entry.stack ? [['pages', pi, 'stories', si, 'stack']] : []),
        ...((entry.figures as unknown[] | undefined) ?? []).map((_, fi) => ['pages', pi, 'stories', si, 'figures', fi]),
      ]),
    );
    expect(boxes.length).toBeGreaterThan(8);
    const n = fc.integer({ min: 1, max: 120 });
    fc.assert(
      fc.property(fc.constantFrom(...boxes), n, n, n, n, (path, col, cols, row, rows) => {
        const out = applyYamlChange(sample, { kind: 'set-box', path, box: { col, cols, row, rows } });
        let expected = parse(sample) as Record<string | number, unknown>;
        const copy = expected;
        for (const key of path.slice(0, -1)) expected = expected[key] as Record<string | number, unknown>;
        expected[path[path.length - 1]!] = { col, cols, row, rows };
        expect(parse(out)).toEqual(copy);
        const changed = changedLines(sample, out);
        expect(changed.length).toBeLessThanOrEqual(1);
        // Only digits changed on that line.
        for (const [before, after] of changed) expect(before!.replace(/\d+/g, '#')).toBe(after!.replace(/\d+/g, '#'));
      }),
      { numRuns: 60 },
    );
  });

  it('appends to a stack in its flow style and to a page in block style', () => {
    const stacked = applyYamlChange(sample, { kind: 'append', path: ['pages', 3, 'stories', 2, 'stories'], entry: { file: 'new.md' } });
    expect(stacked).toBe(sample.replace('          - {file: brief-yunhe-qingyu.md}\n', '          - {file: brief-yunhe-qingyu.md}\n          - {file: new.md}\n'));
    const page = applyYamlChange(sample, { kind: 'append', path: ['pages', 2, 'stories'], entry: { file: '新稿 一.md', box: { col: 1, cols: 2, row: 3, rows: 'auto' } } });
    expect(page).toBe(sample.replace('          - {col: 5, cols: 4, row: 78, rows: 22}\n', '          - {col: 5, cols: 4, row: 78, rows: 22}\n      - file: "新稿 一.md"\n        box: {col: 1, cols: 2, row: 3, rows: auto}\n'));
  });

  it('fills an empty page (`stories: []`), keeping its comment', () => {
    const text = 'paper: x\npages:\n  - id: A1\n    template: news\n    section: 要闻\n    stories: [] # to fill\n  - id: A2\n    template: news\n    section: 要闻\n    stories: [a]\n';
    const out = applyYamlChange(text, { kind: 'append', path: ['pages', 0, 'stories'], entry: { file: 'a.md', box: { col: 1, cols: 2, row: 3, rows: 'auto' } } });
    expect(out).toBe(text.replace('    stories: [] # to fill\n', '    stories: # to fill\n      - file: a.md\n        box: {col: 1, cols: 2, row: 3, rows: auto}\n'));
  });

  it('adds `continue` to a block entry and to a flow entry', () => {
    const value = { page: 'A4', box: { col: 1, cols: 5, row: 1, rows: 8 } };
    const block = applyYamlChange(sample, { kind: 'add-key', path: ['pages', 0, 'stories', 4], key: 'continue', value });
    expect(block).toBe(sample.replace('        box: {col: 4, cols: 2, row: 45, rows: 55}\n', '        box: {col: 4, cols: 2, row: 45, rows: 55}\n        continue: {page: A4, box: {col: 1, cols: 5, row: 1, rows: 8}}\n'));
    const flow = applyYamlChange(sample, { kind: 'add-key', path: ['pages', 0, 'stories', 3, 'stories', 2], key: 'continue', value });
    expect(flow).toBe(sample.replace('{file: brief-nongjia-shuwu.md}', '{file: brief-nongjia-shuwu.md, continue: {page: A4, box: {col: 1, cols: 5, row: 1, rows: 8}}}'));
  });

  it('gives a slot story a box in place of its slot', () => {
    const out = applyYamlChange(sample, { kind: 'set-box', path: ['pages', 0, 'stories', 0, 'box'], box: { col: 6, cols: 3, row: 1, rows: 10 }, remove: ['slot'] });
    expect(parse(out).pages[0].stories[0]).toEqual({ file: 'ear-hanchao-laixi.md', box: { col: 6, cols: 3, row: 1, rows: 10 } });
    expect(out).toBe(sample.replace('        slot: ear\n', '        box: {col: 6, cols: 3, row: 1, rows: 10}\n'));
  });
  it('turns a boxed story into a stack in its place: the story keeps its own keys, the others stay byte for byte', () => {
    const stack = { col: 1, cols: 5, row: 11, rows: 34 };
    const own = { file: 'lead-chengxiang-gongjiao.md', continue: { page: 'A4', box: { col: 1, cols: 5, row: 1, rows: 8 } } };
    const out = applyYamlChange(sample, { kind: 'replace', path: ['pages', 0, 'stories', 1], entry: { stack, stories: [own, { file: 'new.md' }] } });
    expect(out).toBe(
      sample.replace(
        '      - file: lead-chengxiang-gongjiao.md\n        box: {col: 1, cols: 5, row: 11, rows: 34}\n        continue: {page: A4, box: {col: 1, cols: 5, row: 1, rows: 8}}\n',
        '      - stack: {col: 1, cols: 5, row: 11, rows: 34}\n        stories:\n          - {file: lead-chengxiang-gongjiao.md, continue: {page: A4, box: {col: 1, cols: 5, row: 1, rows: 8}}}\n          - {file: new.md}\n',
      ),
    );
    // An entry with a comment in it is written through the Document: same data, comments elsewhere kept.
    const commented = sample.replace('box: {col: 4, cols: 2, row: 45, rows: 55}', 'box: {col: 4, cols: 2, row: 45, rows: 55} # kept narrow');
    const whole = applyYamlChange(commented, { kind: 'replace', path: ['pages', 0, 'stories', 4], entry: { stack: { col: 4, cols: 2, row: 45, rows: 55 }, stories: [{ file: 'news-laonian-shitang.md' }, { file: 'new.md' }] } });
    expect(parse(whole).pages[0].stories[4]).toEqual({ stack: { col: 4, cols: 2, row: 45, rows: 55 }, stories: [{ file: 'news-laonian-shitang.md' }, { file: 'new.md' }] });
    expect(whole).toContain('# The desk may track a story');
  });
});
