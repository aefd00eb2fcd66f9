import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CjkChange } from '../../src/cjk/cjk-change.js';
import { normalizeCjkText, type NormalizeCjkTextOptions } from '../../src/cjk/normalize-cjk-text.js';

/** Applying the changes to the input, back to front, must give the output. */
function replay(input: string, changes: CjkChange[]): string {
  let text = input;
  for (const change of [...changes].reverse()) {
    expect(text.slice(change.offset, change.offset + change.length)).toBe(change.from);
    text = text.slice(0, change.offset) + change.to + text.slice(change.offset + change.length);
  }
  return text;
}

function check(input: string, expected: string, options?: NormalizeCjkTextOptions) {
  const result = normalizeCjkText(input, options);
  expect(result.text).toBe(expected);
  expect(replay(input, result.changes)).toBe(expected);
  return result;
}

const cases: Record<string, Array<[string, string]>> = {
  'fullwidth-punctuation': [
    ['中文,中文', '中文，中文'],
    ['注意:安全', '注意：安全'],
    ['第一;第二', '第一；第二'],
    ['为什么?', '为什么？'],
    ['太好了!', '太好了！'],
    ['真的?!', '真的？！'],
    ['他说(笑)', '他说（笑）'],
    ['AI(人工智能)', 'AI（人工智能）'],
    ['中文(AI)中文', '中文（AI）中文'],
    ['(1)第一点', '（1）第一点'],
    ['见图(a)', '见图（a）'],
    ['时间:3:00', '时间：3:00'],
    ['共1,000人,其中', '共1,000人，其中'],
    ['使用AI,效果好', '使用AI，效果好'],
    ['“金名片”,目标', '“金名片”，目标'],
    ['中文(外(内)层)', '中文（外（内）层）'],
  ],
  'punctuation-space': [
    ['中文, 中文', '中文，中文'],
    ['中文 , 中文', '中文，中文'],
    ['中文 (AI) 中文', '中文（AI）中文'],
    ['Python, 一种语言', 'Python，一种语言'],
  ],
  'curly-quotes': [
    ['他说"你好"', '他说“你好”'],
    ['他说"她说\'好\'"。', '他说“她说‘好’”。'],
    ["他说'你好'", '他说“你好”'],
    ['“已有"混合"引号”', '“已有‘混合’引号”'],
    ['"A"和"B"', '“A”和“B”'],
    ['他说"I don\'t know"', '他说“I don\'t know”'],
    ['“你好"。', '“你好”。'],
    ['他说:"好。', '他说：“好。'],
    ['学生的"students\' books"', '学生的“students\' books”'],
  ],
  'halfwidth-alphanumeric': [
    ['２０２５年', '2025年'],
    ['ＡＩ技术', 'AI技术'],
    ['ａｂｃ', 'abc'],
    ['第１版，', '第1版，'],
  ],
  'han-latin-space': [
    ['使用 AI 技术', '使用AI技术'],
    ['2025 年', '2025年'],
    ['共 5 倍', '共5倍'],
    ['德国 Neura Robotics 中国', '德国Neura Robotics中国'],
  ],
  'em-dash': [
    ['突破进阶--我们', '突破进阶——我们'],
    ['突破进阶—我们', '突破进阶——我们'],
    ['突破进阶－－我们', '突破进阶——我们'],
    ['突破进阶――我们', '突破进阶——我们'],
    ['结尾—', '结尾——'],
  ],
  ellipsis: [
    ['等等...', '等等……'],
    ['等等......', '等等……'],
    ['好。。。', '好……'],
    ['集聚…可以说', '集聚……可以说'],
    ['“然后⋯⋯”', '“然后……”'],
  ],
};

describe.each(Object.entries(cases))('rule %s', (ruleId, table) => {
  it.each(table)('%s → %s', (input, expected) => {
    const { changes } = check(input, expected);
    expect(changes.map((change) => change.ruleId)).toContain(ruleId);
  });
});

const unchanged: Array<[string, string]> = [
  ['inline time', '会议在3:00开始'],
  ['thousands separator', '共有1,000人'],
  ['ratio', '比分2:1'],
  ['Latin list in Chinese', '包括a, b和c'],
  ['function call', '这是f(x)函数'],
  ['URL', '访问https://example.com/a,b?c=1:2 了解'],
  ['www URL', '访问www.example.com/a,b'],
  ['e-mail', '写信到a.b@example.com,'.slice(0, -1)],
  ['English apostrophe', "他说don't"],
  ['correct dash and ellipsis', '突破进阶——我们这么干……'],
  ['Han–Han space (byline)', '文/首席记者 周珂 摄/记者 范方斌'],
  ['Latin-only paragraph', 'We use AI (artificial intelligence), see "notes": it\'s 3:00... -- ok?'],
  ['Latin dash and dots', '中文：see a--b and wait... then'],
  ['four dots', '中文....'],
  ['full-width punctuation', '中文，（中文）：！？'],
  ['long dash', '中文————中文'],
];

describe('leaves alone', () => {
  it.each(unchanged)('%s', (_, input) => {
    expect(normalizeCjkText(input)).toEqual({ text: input, changes: [] });
  });
});

describe('options', () => {
  it('keeps Han–Latin spaces when autospace is off', () => {
    check('使用 AI 技术', '使用 AI 技术', { autospace: false });
  });

  it('still drops spaces beside full-width punctuation when autospace is off', () => {
    check('使用 AI, 技术', '使用 AI，技术', { autospace: false });
  });

  it('switches rules off by id', () => {
    check('他说"你好",好', '他说"你好"，好', { disable: ['curly-quotes'] });
  });
});

describe('context from neighbouring runs', () => {
  it('reads the neighbours but changes only the run', () => {
    // `中文**,**中文`: the comma is its own text node.
    const result = check(',', '，', { context: { before: '中文', after: '中文' } });
    expect(result.changes).toMatchObject([{ offset: 0, length: 1, ruleId: 'fullwidth-punctuation' }]);
  });

  it('pairs quotes across runs', () => {
    // `他说"**你好**"`: the closing quote's run sees the opening one, already curly.
    check('"', '”', { context: { before: '他说“你好' } });
    check('他说"', '他说“', { context: { after: '你好"' } });
  });

  it('matches brackets across runs', () => {
    check(')中文', '）中文', { context: { before: 'AI(人工智能' } });
  });

  it('removes a space at the edge of a run next to Latin in the neighbour', () => {
    check('使用 ', '使用', { context: { after: 'AI 技术' } });
  });

  it('treats a paragraph as Chinese when only the context holds Han', () => {
    check('"AI"', '“AI”', { context: { before: '他说' } });
  });
});

describe('reasons', () => {
  it('say what was found and what was expected', () => {
    const [change] = normalizeCjkText('中文,中文').changes;
    expect(change?.reason).toBe('Unexpected half-width `,` between Han characters, expected `，`');
  });
});

describe('the seed article (萧山日报, 突破进阶)', () => {
  const seed = readFileSync(new URL('../fixtures/seed/000_5f3c0b02aba32c48.txt', import.meta.url), 'utf8');
  const result = normalizeCjkText(seed);

  it('leaves no half-width comma between Han characters', () => {
    expect(seed.match(/\p{Script=Han},\p{Script=Han}/gu)?.length).toBeGreaterThan(100);
    expect(result.text).not.toMatch(/\p{Script=Han},\p{Script=Han}/u);
    expect(result.text).not.toMatch(/[,:?]/);
  });

  it('reports every change, and only punctuation ones', () => {
    const halfwidth = seed.match(/[,:;?!]/g)?.length ?? 0;
    expect(result.changes).toHaveLength(halfwidth);
    expect(new Set(result.changes.map((change) => change.ruleId))).toEqual(new Set(['fullwidth-punctuation']));
    expect(replay(seed, result.changes)).toBe(result.text);
  });
});

describe('any input', () => {
  // A fixed-seed generator over the characters the rules care about.
  const alphabet = [
    ...['中', '文', '𠀀', 'a', 'I', '1', 'Ａ', '２', ' ', '\t', '\n', '\uFFFC', 'http://x.y/', 'a@b.cn'],
    ...[',', ':', ';', '?', '!', '(', ')', '"', "'", '“', '”', '‘', '’'],
    ...['-', '--', '—', '―', '－', '.', '...', '。', '…', '⋯'],
  ];
  let state = 42;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const samples = Array.from({ length: 1000 }, () =>
    Array.from({ length: 1 + Math.floor(random() * 20) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''),
  );

  it('gives changes that replay onto the input, and is stable on its own output', () => {
    for (const sample of samples) {
      const result = normalizeCjkText(sample);
      expect(replay(sample, result.changes), sample).toBe(result.text);
      expect(normalizeCjkText(result.text).text, sample).toBe(result.text);
    }
  });
});
