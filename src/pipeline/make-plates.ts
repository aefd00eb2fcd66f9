import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { writeFileAtomic } from '../pdf/atomic-write.js';
import type { Edition } from '../edition/load-edition.js';
import { createPlates } from '../pdf/plates.js';
import { preflightPlate, type Finding } from '../pdf/preflight.js';
import type { ReportMessage } from '../report/messages.js';
import { mapConcurrent } from '../util/map-concurrent.js';

export interface PlatesOutcome {
  /** Plate path per page id, relative to the edition's output folder. */
  plates: Record<string, string>;
  preflight: { page: string; plate: string; ms: number; reused: boolean; findings: Finding[] }[];
  messages: ReportMessage[];
}

/** Reuse a plate whose page and print settings are unchanged since the plate was made. */
export interface PlateReuse {
  /** Per page: its content hash (from the page cache), when known. */
  pageHashes: Map<string, string>;
  /** Where the record of each plate's key and preflight is kept (output/.cache/plates). */
  dir: string;
}

interface PlateRecord {
  key: string;
  plate: string;
  findings: Finding[];
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

/**
 * Press plates for these pages, each made from its own page PDF (not the merged proof, which
 * would be read whole for every change) and checked by preflight.
 */
export async function makePlates(
  edition: Edition,
  pagePdfs: Map<string, string>,
  outDir: string,
  buildTime: Date,
  reuse?: PlateReuse,
  /** Plates made and checked at once. Default: the number of cores. */
  concurrency?: number,
): Promise<PlatesOutcome> {
  const { config, grid } = edition;
  const outcome: PlatesOutcome = { plates: {}, preflight: [], messages: [] };
  const trimMm = { width: grid.widthMm, height: grid.heightMm };
  const recordPath = (pageId: string) => join(reuse!.dir, `${edition.name}-${pageId}.json`);
  const keys = new Map<string, string>();
  const stale: string[] = [];
  for (const pageId of pagePdfs.keys()) {
    const hash = reuse?.pageHashes.get(pageId);
    if (!hash) {
      stale.push(pageId);
      continue;
    }
    keys.set(pageId, plateKey(edition, hash));
    const record = await readRecord(recordPath(pageId));
    const exists = record && (await stat(join(outDir, record.plate)).then(() => true, () => false));
    if (record?.key === keys.get(pageId) && exists) {
      outcome.plates[pageId] = record.plate;
      outcome.preflight.push({ page: pageId, plate: record.plate, ms: 0, reused: true, findings: record.findings });
      outcome.messages.push(...findingMessages(record.plate, pageId, record.findings));
    } else {
      stale.push(pageId);
    }
  }
  if (stale.length === 0) return outcome;
  // Each plate is preflighted as soon as Ghostscript writes it, while the next is made.
  const made = new Map<string, { path: string; ms: number; findings: Finding[]; transparency: string[] }>();
  await mapConcurrent(stale, concurrency ?? availableParallelism(), (pageId) =>
    createPlates({
      proof: pagePdfs.get(pageId)!,
      pageIds: [pageId],
      trimMm,
      bleedMm: config.bleed,
      paper: config.paper,
      paperSlug: config.slug ?? 'newspaper',
      date: config.date,
      buildTime,
      platesDir: join(outDir, 'plates'),
      variant: config.print.pdfx,
      iccProfile: config.print.iccProfile ? join(edition.dir, config.print.iccProfile) : undefined,
      inkLimit: config.print.inkLimit,
      onPlate: async (plate) => {
        const path = relative(outDir, plate.path);
        const started = performance.now();
        const findings = await preflightPlate(plate.path, {
          pageId: plate.pageId,
          trimMm,
          bleedMm: config.bleed,
          inkLimit: config.print.inkLimit,
          variant: config.print.pdfx,
        });
        made.set(plate.pageId, { path, ms: plate.ms + Math.round(performance.now() - started), findings, transparency: plate.transparency });
        const key = keys.get(plate.pageId);
        if (key && reuse) {
          await mkdir(reuse.dir, { recursive: true });
          await writeFileAtomic(recordPath(plate.pageId), JSON.stringify({ key, plate: path, findings } satisfies PlateRecord));
        }
      },
    }),
  );
  for (const pageId of stale) {
    const plate = made.get(pageId)!;
    outcome.plates[pageId] = plate.path;
    outcome.preflight.push({ page: pageId, plate: plate.path, ms: plate.ms, reused: false, findings: plate.findings });
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
