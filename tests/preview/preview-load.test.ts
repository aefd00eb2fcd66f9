import { describe, expect, it } from 'vitest';
import { runPreviewLoad } from '../../src/bench/preview-load.js';
import { SAMPLE } from './preview-fixture.js';

/**
 * The preview under load, scaled down for npm test (the full run, 50 clients and 200 saves,
 * is `npm run bench:preview-load`): `presswork preview` as its own process with a warm
 * Chromium, clients on the live-reload channel, saves in quick succession.
 */
describe('the preview under load', () => {
  it('stays up with no unhandled rejection, comes back to within 20 % of its memory, and every client ends on the last save', async () => {
    const result = await runPreviewLoad({ edition: SAMPLE, clients: 12, saves: 40, saveEveryMs: 20, page: 'A3', settleMs: 90_000, memoryWaitMs: 60_000 });
    expect(result.serverSurvived).toBe(true);
    expect(result.unhandled).toEqual([]);
    expect(result.clientsOnLastState).toBe(12);
    expect(result.convergedMs).not.toBeNull();
    expect(result.memoryRatio).toBeLessThanOrEqual(1.2);
    // Each tab on the saved page fetched its page again, more than once: the saves reached them.
    expect(result.documentsFetched).toBeGreaterThan(12);
  }, 300_000);
});
