import { join, relative } from 'node:path';
import type { Edition } from '../edition/load-edition.js';
import { createPlates } from '../pdf/plates.js';
import { preflightPlate, type Finding } from '../pdf/preflight.js';
import type { ReportMessage } from '../report/messages.js';

export interface PlatesOutcome {
  /** Plate path per page id, relative to the edition's output folder. */
  plates: Record<string, string>;
  preflight: { page: string; plate: string; ms: number; findings: Finding[] }[];
  messages: ReportMessage[];
}

/** Press plates for every page of the proof, each checked by preflight. */
export async function makePlates(edition: Edition, pageIds: string[], proofPath: string, outDir: string, buildTime: Date): Promise<PlatesOutcome> {
  const { config, grid } = edition;
  const outcome: PlatesOutcome = { plates: {}, preflight: [], messages: [] };
  const trimMm = { width: grid.widthMm, height: grid.heightMm };
  const results = await createPlates({
    proof: proofPath,
    pageIds,
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
  });
  for (const plate of results) {
    const path = relative(outDir, plate.path);
    outcome.plates[plate.pageId] = path;
    const started = performance.now();
    const findings = await preflightPlate(plate.path, {
      pageId: plate.pageId,
      trimMm,
      bleedMm: config.bleed,
      inkLimit: config.print.inkLimit,
      variant: config.print.pdfx,
    });
    outcome.preflight.push({ page: plate.pageId, plate: path, ms: plate.ms + Math.round(performance.now() - started), findings });
    for (const finding of findings) {
      outcome.messages.push({
        severity: finding.severity,
        file: path,
        line: null,
        column: null,
        message: `Preflight ${plate.pageId} (${finding.object}): ${finding.message}`,
        ruleId: finding.ruleId,
        page: plate.pageId,
      });
    }
    for (const item of plate.transparency) {
      outcome.messages.push({
        severity: 'warning',
        file: path,
        line: null,
        column: null,
        message: `Plate ${plate.pageId} has transparency (${item}); Ghostscript flattens such pages for PDF/X-1a`,
        ruleId: 'pdf/transparency',
        page: plate.pageId,
      });
    }
  }
  return outcome;
}
