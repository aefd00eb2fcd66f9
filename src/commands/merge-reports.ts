import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { countBySeverity, type EditionReport } from '../report/edition-report.js';

export interface MergeReportsOptions {
  /** report.json files written by `presswork build --shard K/N` runs. */
  reports: string[];
  /** Folder for the merged `summary.json`. */
  out: string;
  json: boolean;
  log: (line: string) => void;
}

/**
 * Merge the reports of sharded builds into one summary per edition: every page once, every
 * message, and `ok` only when every shard was ok and no page of the edition is missing.
 */
export async function runMergeReports(options: MergeReportsOptions): Promise<boolean> {
  const reports: EditionReport[] = [];
  for (const path of options.reports) {
    let report: EditionReport;
    try {
      report = JSON.parse(await readFile(path, 'utf8')) as EditionReport;
    } catch (error) {
      throw new Error(`Cannot read shard report ${path}: ${(error as Error).message}`);
    }
    // A shard's paths are relative to its own folder; the summary's are relative to `out`.
    const from = (file: string | null) => file && relative(options.out, join(dirname(path), file));
    reports.push({ ...report, pdf: from(report.pdf), pages: report.pages.map((p) => ({ ...p, pdf: from(p.pdf), plate: from(p.plate) })) });
  }
  const byEdition = new Map<string, EditionReport[]>();
  for (const report of reports) byEdition.set(report.edition, [...(byEdition.get(report.edition) ?? []), report]);
  const editions = [...byEdition.entries()].map(([edition, shards]) => {
    const pages = shards.flatMap((r) => r.pages).sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
    const messages = shards.flatMap((r) => r.messages);
    const expected = shards[0]?.shard?.of;
    const seen = new Set(shards.map((r) => r.shard?.shard));
    const missingShards = expected ? Array.from({ length: expected }, (_, i) => i + 1).filter((k) => !seen.has(k)) : [];
    return {
      edition,
      ok: shards.every((r) => r.ok) && missingShards.length === 0,
      shards: shards.map((r) => ({ shard: r.shard ?? null, ok: r.ok, pdf: r.pdf, ms: r.timings.total })),
      missingShards,
      ...countBySeverity(messages),
      pages: pages.map((p) => ({ id: p.id, ok: p.ok, pdf: p.pdf, plate: p.plate, stories: p.stories })),
      messages,
      missingChars: shards.reduce((n, r) => n + r.verify.missingChars, 0),
    };
  });
  const summary = { ok: editions.every((e) => e.ok), mergedAt: new Date().toISOString(), editions };
  await mkdir(options.out, { recursive: true });
  await writeFileAtomic(join(options.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  if (options.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  for (const e of editions) {
    const missing = e.missingShards.length > 0 ? `, missing shards ${e.missingShards.join(', ')}` : '';
    options.log(`${e.edition}: ${e.ok ? 'ok' : 'FAILED'}: ${e.pages.length} pages from ${e.shards.length} shards, ${e.errors} errors, ${e.warnings} warnings${missing}`);
  }
  return summary.ok;
}
