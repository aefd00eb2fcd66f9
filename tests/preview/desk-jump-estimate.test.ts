import { describe, expect, it } from 'vitest';
import { estimateContinuationOverset } from '../../src/server/preview-client/desk-jump-estimate.js';

describe('the desk estimate of a continuation box', () => {
  it('takes the extra handed-over text out of the room the continuation had', () => {
    // 3 short lines of 13 characters: 39 characters of room.
    expect(estimateContinuationOverset({ overset: { chars: 0 }, short: { lines: 3 } }, 400, 430, 13)).toBe(0);
    expect(estimateContinuationOverset({ overset: { chars: 0 }, short: { lines: 3 } }, 400, 460, 13)).toBe(21);
  });

  it('adds to an overset continuation, and a shorter handover can clear it', () => {
    expect(estimateContinuationOverset({ overset: { chars: 50 }, short: { lines: 0 } }, 400, 420, 13)).toBe(70);
    expect(estimateContinuationOverset({ overset: { chars: 50 }, short: { lines: 0 } }, 400, 300, 13)).toBe(0);
  });
});
