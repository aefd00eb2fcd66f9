import { relative } from 'node:path';
import type { TypographyFinding } from '../browser/typography/index.js';
import type { Edition, LoadedPage } from '../edition/load-edition.js';
import type { PageReport } from '../report/edition-report.js';
import type { ReportMessage } from '../report/messages.js';
import { copyfitMessages } from './copyfit-messages.js';
import type { PageResult } from './render-pages.js';

export interface PageOutcomes {
  /** One entry per page, in edition order; `plate` is filled in once plates are done. */
  pages: PageReport[];
  /** Copyfit and typography findings of every page. */
  messages: ReportMessage[];
  /** `render.<step>` summed over pages (over tabs, so more than `render` with several at once). */
  timings: Record<string, number>;
}

/** What the render made of each page, as the report shows it. */
export function pageOutcomes(pages: LoadedPage[], results: Map<string, PageResult>, dir: string, edition: Edition, outDir: string): PageOutcomes {
  const outcome: PageOutcomes = { pages: [], messages: [], timings: {} };
  for (const page of pages) {
    const result = results.get(page.config.id);
    outcome.pages.push({ ...pageReport(page.config.id, page.config.template, result, outDir), ...adsReport(page) });
    for (const fit of result?.copyfit ?? []) outcome.messages.push(...copyfitMessages(fit, dir, edition));
    outcome.messages.push(...auditMessages(result?.audit ?? []));
    for (const [step, ms] of Object.entries(result?.timings ?? {})) outcome.timings[`render.${step}`] = (outcome.timings[`render.${step}`] ?? 0) + ms;
  }
  return outcome;
}

/** Typography audit findings are warnings: they fail a `--strict` build. */
export function auditMessages(findings: TypographyFinding[]): ReportMessage[] {
  return findings.map((f) => ({
    severity: 'warning' as const,
    file: f.file,
    line: f.line ?? null,
    column: f.column ?? null,
    message: `${f.page} ${f.story || 'page'}: ${f.message} (“${f.text}”)`,
    ruleId: `typography/${f.rule}`,
    page: f.page,
    story: f.story,
  }));
}

function adsReport(page: LoadedPage): Pick<PageReport, 'ads'> {
  if (page.ads.length === 0) return {};
  const round = (mm: number) => Math.round(mm * 10) / 10;
  return {
    ads: page.ads.map((ad) => ({
      file: ad.config.file,
      client: ad.config.client ?? null,
      kind: ad.file.kind,
      box: ad.box,
      widthMm: round(ad.file.widthMm),
      heightMm: round(ad.file.heightMm),
      scale: Math.round(ad.scale * 10000) / 10000,
    })),
  };
}

function pageReport(id: string, template: string, result: PageResult | undefined, outDir: string): PageReport {
  return {
    id,
    template,
    pdf: result?.pdf ? relative(outDir, result.pdf) : null,
    plate: null,
    ok: Boolean(result?.pdf),
    stories: (result?.copyfit ?? []).map((c) => ({
      file: c.file,
      story: c.story,
      part: c.part,
      overset: { chars: c.overset.chars, lines: c.overset.lines },
      short: c.short,
      continuedOn: c.continuedOn ?? null,
      box: c.box,
      ...(c.fitted ? { fitted: c.fitted } : {}),
      ...(c.writeToFit ? { writeToFit: c.writeToFit } : {}),
      headline: c.headline,
      layout: c.layout,
    })),
    audit: (result?.audit ?? []).map(({ rule, story, text, message }) => ({ rule, story, text, message })),
    timings: result?.timings ? { ...result.timings } : null,
  };
}
