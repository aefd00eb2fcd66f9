import { describe, expect, it } from 'vitest';
import { formatNumber, numericOperands, parseContentStream, writeContentStream } from '../../src/pdf/content-stream.js';

const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('parseContentStream', () => {
  it('splits operators and keeps operands as source text', () => {
    const ops = parseContentStream(bytes('.5 .5 .5 rg\nq 1 0 0 1 0 0 cm /F1 9 Tf [(a) -20 (b)] TJ Q'));
    expect(ops.map((o) => o.operator)).toEqual(['rg', 'q', 'cm', 'Tf', 'TJ', 'Q']);
    expect(ops[0]!.operands).toEqual(['.5', '.5', '.5']);
    expect(ops[4]!.operands).toEqual(['[', '(a)', '-20', '(b)', ']']);
    expect(numericOperands(ops[0]!)).toEqual([0.5, 0.5, 0.5]);
  });

  it('is not fooled by operators inside strings, hex strings and dictionaries', () => {
    const ops = parseContentStream(bytes('(1 0 0 rg \\) (nested)) Tj <0042> Tj /P <</MCID 0>> BDC'));
    expect(ops.map((o) => o.operator)).toEqual(['Tj', 'Tj', 'BDC']);
    expect(ops[0]!.operands[0]).toBe('(1 0 0 rg \\) (nested))');
    expect(ops[2]!.operands).toEqual(['/P', '<<', '/MCID', '0', '>>']);
  });

  it('keeps inline image data byte for byte through a round trip', () => {
    const src = bytes('BI /W 2 /H 1 /CS /RGB /BPC 8 ID \x00\xffrg E\x01\nEI Q');
    const ops = parseContentStream(src);
    expect(ops.map((o) => o.operator)).toEqual(['BI', 'ID', 'EI', 'Q']);
    expect(ops[1]!.data).toBe('\x00\xffrg E\x01');
    const again = parseContentStream(writeContentStream(ops));
    expect(again).toEqual(ops);
  });

  it('formats numbers compactly', () => {
    expect(formatNumber(0.466666666)).toBe('0.4667');
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(1)).toBe('1');
  });
});
