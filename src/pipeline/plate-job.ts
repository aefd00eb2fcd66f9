import { mkdir, rm } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { createPlates, type CreatePlatesOptions, type PlateResult } from '../pdf/plates.js';
import { preflightPlate, type Finding, type PreflightOptions } from '../pdf/preflight.js';
import { throwIfCancelled } from '../util/cancel.js';
import type { ComparePagesOptions, PageImage, PageImageInput } from './page-changes.js';

export type PlateConverter = PlateResult['converter'];

/**
 * One page's plate as plain data, so it can be posted to the plate thread (plate-thread.ts):
 * the plate's and the preflight's options, and where its reuse record goes.
 */
export interface PlateJob {
  plate: Omit<CreatePlatesOptions, 'signal' | 'proof'> & { proof: string };
  preflight: Omit<PreflightOptions, 'signal'>;
  /** The edition's output folder: the plate's path is given relative to it. */
  outDir: string;
  /** The reuse record to write once the plate is preflighted. */
  record?: { path: string; key: string };
  /** Make the page's change image from the preflight's ink raster (`plateChangeImage`). */
  changeImage?: { page: PageImageInput; options: Omit<ComparePagesOptions, 'signal'> };
}

export interface MadePlate {
  /** Relative to the job's `outDir`. */
  path: string;
  converter: PlateConverter;
  ghostscriptBecause: string[];
  /** Plate and preflight time, ms. */
  ms: number;
  findings: Finding[];
  transparency: string[];
  /** The change image asked for, when the plate made one. */
  changeImage?: PageImage;
}

/** What a reuse record holds (`<reuseDir>/<edition>-<page>.json`). */
export interface PlateRecord {
  key: string;
  plate: string;
  converter: PlateConverter;
  ghostscriptBecause: string[];
  findings: Finding[];
}

/** Make one page's plate, preflight it and write its reuse record. */
export async function makePlate(job: PlateJob, signal?: AbortSignal): Promise<MadePlate> {
  throwIfCancelled(signal);
  const [plate] = await createPlates({ ...job.plate, signal });
  throwIfCancelled(signal);
  const path = relative(job.outDir, plate!.path);
  const checkStarted = performance.now();
  let changeImage: PageImage | undefined;
  const wanted = job.changeImage;
  const onInkRaster: PreflightOptions['onInkRaster'] = wanted
    ? async (raster, trim) => {
        const { plateChangeImage } = await import('./page-changes.js');
        changeImage = await plateChangeImage(wanted.page, raster, trim, { ...wanted.options, signal });
      }
    : undefined;
  try {
    const findings = await preflightPlate(plate!.path, { ...job.preflight, signal, onInkRaster });
    const { converter, ghostscriptBecause, transparency } = plate!;
    if (job.record) {
      await mkdir(dirname(job.record.path), { recursive: true });
      const record: PlateRecord = { key: job.record.key, plate: path, converter, ghostscriptBecause, findings };
      await writeFileAtomic(job.record.path, JSON.stringify(record));
    }
    return { path, converter, ghostscriptBecause, ms: plate!.ms + Math.round(performance.now() - checkStarted), findings, transparency, changeImage };
  } catch (error) {
    // Nobody will hear of the image: it must not stay in the changes folder.
    if (changeImage) await rm(changeImage.path, { force: true });
    throw error;
  }
}
