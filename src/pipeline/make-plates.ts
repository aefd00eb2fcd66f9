import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Edition } from '../edition/load-edition.js';
import { HOUSE_PALETTE } from '../edition/palette.js';
import type { Finding } from '../pdf/preflight.js';
import type { ReportMessage } from '../report/messages.js';
import { throwIfCancelled } from '../util/cancel.js';
import { adClients } from './page-ads.js';
import type { PageImage } from './page-changes.js';
import type { PlateConverter, PlateJob, PlateRecord } from './plate-job.js';
import { plateThread } from './plate-thread.js';

export interface PlatesOutcome {
  /** Plate path per page id, relative to the edition's output folder. */
  plates: Record<string, string>;
  preflight: { page: string; plate: string; converter: PlateConverter; ghostscriptBecause: string[]; ms: number; reused: boolean; findings: Finding[] }[];
  messages: ReportMessage[];
}

function plateKey(edition: Edition, pageHash: string): string {
  const { config } = edition;
  const settings = { print: config.print, bleed: config.bleed, slug: config.slug, paper: config.paper, date: config.date };
  return createHash('sha256').update(`${pageHash}\n${JSON.stringify(settings)}`).digest('hex');
}

async function readRecord(path: string): Promise<PlateRecord | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as PlateRecord;
  } catch {
    return undefined;
  }
}

type PagePlate =
  | { path: string; converter: PlateConverter; ghostscriptBecause: string[]; ms: number; reused: boolean; findings: Finding[]; transparency: string[]; changeImage?: PageImage }
  | { error: string };

export interface PlateMaker {
  /**
   * Start the plate of a page whose PDF is written (or reuse it); returns at once. Given the
   * changes folder, a plate made afresh also makes the page's change image from its ink
   * raster: the promise gives it (undefined when none was made, or the plate failed).
   */
  add(pageId: string, pdf: string, pageHash?: string, changesDir?: string): Promise<PageImage | undefined>;
  /** Wait for every plate started; the outcome lists them in `order`. */
  finish(order: string[]): Promise<PlatesOutcome>;
}

/**
 * Press plates made while the other pages still render, on the plate thread: each from its
 * own page PDF, at most `concurrency` at once, each preflighted as soon as it is written. A plate is
 * reused when its page hash and the print settings are unchanged since it was made (a record
 * with its preflight is kept in `reuseDir`).
 */
export function createPlateMaker(
  edition: Edition,
  outDir: string,
  buildTime: Date,
  /** `signal`: cancels the plates: Ghostscript is killed and no plate starts (see util/cancel.ts). */
  options: { reuseDir?: string; concurrency?: number; signal?: AbortSignal } = {},
): PlateMaker {
  const { config, grid } = edition;
  const trimMm = { width: grid.widthMm, height: grid.heightMm };
  const limit = options.concurrency ?? availableParallelism();
  const started = new Map<string, Promise<PagePlate>>();
  const recordPath = (pageId: string) => join(options.reuseDir!, `${edition.name}-${pageId}.json`);

  const reused = async (pageId: string, key: string | undefined): Promise<PagePlate | undefined> => {
    if (!key) return undefined;
    const record = await readRecord(recordPath(pageId));
    const exists = record && (await stat(join(outDir, record.plate)).then(() => true, () => false));
    if (record?.key !== key || !exists || !record.converter) return undefined;
    return { path: record.plate, converter: record.converter, ghostscriptBecause: record.ghostscriptBecause ?? [], ms: 0, reused: true, findings: record.findings, transparency: [] };
  };

  const job = (pageId: string, pdf: string, key: string | undefined, change: PlateJob['changeImage']): PlateJob => ({
    plate: {
      proof: pdf,
      pageIds: [pageId],
      trimMm,
      bleedMm: config.bleed,
      paper: config.paper,
      paperSlug: config.slug ?? 'newspaper',
      date: config.date,
      buildTime,
      slugNotes: { [pageId]: adClients(edition.pages.find((p) => p.config.id === pageId)!) },
      platesDir: join(outDir, 'plates'),
      variant: config.print.pdfx,
      iccProfile: config.print.iccProfile ? join(edition.dir, config.print.iccProfile) : undefined,
      inkLimit: config.print.inkLimit,
      fixedColours: Object.values(HOUSE_PALETTE),
      converter: config.print.converter,
    },
    preflight: { pageId, trimMm, bleedMm: config.bleed, inkLimit: config.print.inkLimit, variant: config.print.pdfx },
    outDir,
    record: key && options.reuseDir ? { path: recordPath(pageId), key } : undefined,
    changeImage: change,
  });

  // Made on the plate thread, so that the main thread stays free for the tabs (plate-thread.ts).
  const make = async (pageId: string, pdf: string, key: string | undefined, change: PlateJob['changeImage']): Promise<PagePlate> => {
    throwIfCancelled(options.signal);
    return { ...(await plateThread().plate(job(pageId, pdf, key, change), { signal: options.signal, limit })), reused: false };
  };

  return {
    add(pageId, pdf, pageHash, changesDir) {
      const key = pageHash && options.reuseDir ? plateKey(edition, pageHash) : undefined;
      const change = changesDir ? { page: { id: pageId, pdf, hash: pageHash }, options: { changesDir } } : undefined;
      const plate = (async () => (await reused(pageId, key)) ?? (await make(pageId, pdf, key, change)))().catch(
        (error: Error): PagePlate => ({ error: error.message }),
      );
      started.set(pageId, plate);
      return plate.then((made) => ('error' in made ? undefined : made.changeImage));
    },
    async finish(order) {
      const outcome: PlatesOutcome = { plates: {}, preflight: [], messages: [] };
      for (const pageId of order) {
        const plate = await started.get(pageId);
        if (!plate) continue;
        if ('error' in plate) {
          outcome.messages.push({ severity: 'error', file: '', line: null, column: null, message: `Plate ${pageId} not written: ${plate.error}`, ruleId: 'plates-failed', page: pageId });
          continue;
        }
        outcome.plates[pageId] = plate.path;
        const { converter, ghostscriptBecause } = plate;
        outcome.preflight.push({ page: pageId, plate: plate.path, converter, ghostscriptBecause, ms: plate.ms, reused: plate.reused, findings: plate.findings });
        outcome.messages.push(...findingMessages(plate.path, pageId, plate.findings));
        for (const item of plate.transparency) {
          outcome.messages.push({
            severity: 'warning',
            file: plate.path,
            line: null,
            column: null,
            message: `Plate ${pageId} has transparency (${item}); Ghostscript flattens such pages for PDF/X-1a`,
            ruleId: 'pdf/transparency',
            page: pageId,
          });
        }
      }
      return outcome;
    },
  };
}

function findingMessages(plate: string, pageId: string, findings: Finding[]): ReportMessage[] {
  return findings.map((finding) => ({
    severity: finding.severity,
    file: plate,
    line: null,
    column: null,
    message: `Preflight ${pageId} (${finding.object}): ${finding.message}`,
    ruleId: finding.ruleId,
    page: pageId,
  }));
}
