import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMergeReports } from '../../src/commands/merge-reports.js';
import { loadEdition } from '../../src/edition/load-edition.js';
import { parseShard, shardPages, withJumpSources } from '../../src/pipeline/page-selection.js';
import type { EditionReport } from '../../src/report/edition-report.js';

const { edition } = await loadEdition(resolve('articles/2026-11-26'));

describe('page selection for --pages and --shard', () => {
  it('keeps a jumping story and its continuation page together', () => {
    expect(edition!.jumps.groups).toEqual([['A1', 'A4'], ['A2'], ['A3']]);
    expect(withJumpSources(edition!, ['A4'])).toEqual(['A1', 'A4']);
    expect(withJumpSources(edition!, ['A3'])).toEqual(['A3']);
  });

  it('knows, from the one jump graph, what each page waits for and what it hands on', () => {
    const { jumps } = edition!;
    expect(jumps.sourcesOf('A4')).toEqual(['A1']);
    expect(jumps.incoming('A4').map((j) => [j.from, j.story.id])).toEqual([['A1', 'lead-chengxiang-gongjiao']]);
    expect([...jumps.outgoing('A1')]).toEqual([['lead-chengxiang-gongjiao', 'A4']]);
    expect(jumps.sourcesOf('A1')).toEqual([]);
    // A4 after A1, whose lead it continues; otherwise edition order.
    expect(jumps.order).toEqual(['A1', 'A2', 'A3', 'A4']);
  });

  it('deals whole jump groups to shards: disjoint, complete and the same every time', () => {
    const shards = [1, 2, 3].map((k) => shardPages(edition!, k, 3));
    expect(shards).toEqual([['A1', 'A4'], ['A2'], ['A3']]);
    expect(shardPages(edition!, 1, 2)).toEqual(['A1', 'A4', 'A3']);
    expect(shardPages(edition!, 2, 2)).toEqual(['A2']);
    expect(shardPages(edition!, 4, 4)).toEqual([]);
  });

  it('parses K/N and refuses nonsense', () => {
    expect(parseShard('2/3')).toEqual({ shard: 2, of: 3 });
    for (const bad of ['0/3', '4/3', '1', 'a/b', '1/0']) expect(parseShard(bad)).toBeUndefined();
  });
});

describe('merge-reports', () => {
  const report = (shard: number, pages: string[], ok = true): EditionReport => ({
    ok,
    edition: '2026-11-26',
    dir: '/x',
    pdf: `2026-11-26.${pages.join('-')}.pdf`,
    builtAt: '2026-11-26T02:00:00Z',
    versions: { presswork: '0.1.0', chromium: null, pagedjs: '0.4.3' },
    pages: pages.map((id) => ({ id, template: 'news', pdf: `pages/${id}.pdf`, plate: null, ok, stories: [], audit: [] })),
    messages: ok ? [] : [{ severity: 'error', file: '', line: null, column: null, message: 'boom', ruleId: 'x', page: pages[0] }],
    timings: { total: 1000 },
    verify: { missingChars: 0, stories: [] },
    shard: { shard, of: 2, pages },
  });

  it('joins the shards of an edition into one summary with every page once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-merge-'));
    writeFileSync(join(dir, 'r1.json'), JSON.stringify(report(1, ['A1', 'A4', 'A3'])));
    writeFileSync(join(dir, 'r2.json'), JSON.stringify(report(2, ['A2'])));
    const lines: string[] = [];
    // As in the README's CI example: a fresh `--out` folder beside the downloaded shards.
    const out = join(dir, 'merged');
    const ok = await runMergeReports({ reports: [join(dir, 'r1.json'), join(dir, 'r2.json')], out, json: false, log: (l) => lines.push(l) });
    expect(ok).toBe(true);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.editions[0].pages.map((p: { id: string }) => p.id)).toEqual(['A1', 'A2', 'A3', 'A4']);
    // Paths lead from the summary's folder to each shard's files.
    expect(summary.editions[0].pages[0].pdf).toBe(join('..', 'pages', 'A1.pdf'));
    expect(lines).toEqual(['2026-11-26: ok: 4 pages from 2 shards, 0 errors, 0 warnings']);
  });

  it('fails when a shard failed or is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-merge-'));
    writeFileSync(join(dir, 'r1.json'), JSON.stringify(report(1, ['A1', 'A4', 'A3'], false)));
    const lines: string[] = [];
    expect(await runMergeReports({ reports: [join(dir, 'r1.json')], out: dir, json: false, log: (l) => lines.push(l) })).toBe(false);
    expect(lines[0]).toBe('2026-11-26: FAILED: 3 pages from 1 shards, 1 errors, 0 warnings, missing shards 2');
  });
});
