import { boxRect } from '../edition/grid.js';
import type { LoadedAd } from '../edition/load-ads.js';
import type { Edition, LoadedPage } from '../edition/load-edition.js';
import type { AdPlacement } from '../pdf/place-ads.js';
import type { ReportMessage } from '../report/messages.js';

/** Where each of a page's ads goes on the printed page, in pt from the trim's top-left corner. */
export function adPlacements(edition: Edition, page: LoadedPage): AdPlacement[] {
  const { grid } = edition;
  return page.ads.map((ad) => {
    const box = boxRect(grid, ad.box);
    return {
      label: ad.config.file,
      kind: ad.file.kind,
      bytes: ad.file.bytes,
      pdfBox: ad.file.pdfBox,
      rect: {
        left: grid.typeArea.left + box.left + ad.placed.left,
        top: grid.typeArea.top + box.top + ad.placed.top,
        width: ad.placed.width,
        height: ad.placed.height,
      },
    };
  });
}

/** `广告：正鼎汽车、…` for a page's ads, as the slug line and changes.html name them. */
export function adClients(page: LoadedPage): string {
  return page.ads.length ? `广告：${page.ads.map((ad) => ad.config.client ?? ad.config.file).join('、')}` : '';
}

export interface AdCheck {
  messages: ReportMessage[];
  /** Ads with an error: the page is not built. */
  rejected: string[];
}

/** Preflight a page's ads; findings are reported at the ad's line in edition.yaml. */
export async function checkPageAds(edition: Edition, page: LoadedPage): Promise<AdCheck> {
  const check: AdCheck = { messages: [], rejected: [] };
  for (const ad of page.ads) {
    const findings = await preflightOne(edition, page, ad);
    for (const finding of findings) {
      check.messages.push({
        severity: finding.severity,
        file: 'edition.yaml',
        line: ad.place.line,
        column: ad.place.column,
        message: `${finding.message} (${finding.object.replace(/^ad [^:]+: /, '')})`,
        ruleId: `ad/${finding.ruleId.replace(/^pdf\//, '')}`,
        page: page.config.id,
      });
    }
    if (findings.some((f) => f.severity === 'error')) check.rejected.push(ad.config.file);
  }
  return check;
}

/** Imported when an edition has ads: pdf-lib, sharp and the preflight would slow every build's start. */
async function preflightOne(edition: Edition, page: LoadedPage, ad: LoadedAd) {
  const { preflightAd } = await import('../pdf/preflight-ad.js');
  return preflightAd({
    label: ad.config.file,
    kind: ad.file.kind,
    bytes: ad.file.bytes,
    pageId: page.config.id,
    sizeMm: { width: ad.file.widthMm, height: ad.file.heightMm },
    scale: ad.scale,
    image: ad.file.image,
    variant: edition.config.print.pdfx,
    inkLimit: edition.config.print.inkLimit,
  });
}
