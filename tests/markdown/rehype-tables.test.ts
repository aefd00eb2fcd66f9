import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { processArticle } from '../../src/markdown/process-article.js';
import { rowCells } from '../../src/markdown/table-row-text.js';

async function run(markdown: string) {
  const file = new VFile({ path: '/nowhere/story.md', value: markdown });
  return processArticle(file, { root: '/nowhere', urlPrefix: '/edition', autospace: true });
}

const cells = (html: string) => [...html.matchAll(/<(t[hd])([^>]*)>(.*?)<\/t[hd]>/g)].map((m) => `${m[1]}${m[2]} ${m[3]}`);

describe('rehypeTables', () => {
  it('marks a column of figures num, boxes its digits one by one, and keeps short cells on one line', async () => {
    const { html } = await run(['| 代表队 | 胜 | 场均 |', '| --- | --- | --- |', '| 城厢街道 | 12 | 76.4 |', '| 瓜沥镇 | — | 69.5 |'].join('\n'));
    expect(cells(html)).toEqual([
      'th class="nowrap" 代表队',
      'th class="num nowrap" 胜',
      'th class="num nowrap" 场均',
      'td class="nowrap" 城厢街道',
      'td class="num nowrap" <span class="fig">1</span><span class="fig">2</span>',
      'td class="num nowrap" <span class="fig">7</span><span class="fig">6</span>.<span class="fig">4</span>',
      'td class="nowrap" 瓜沥镇',
      // A dash for no value keeps the column numeric.
      'td class="num nowrap" —',
      'td class="num nowrap" <span class="fig">6</span><span class="fig">9</span>.<span class="fig">5</span>',
    ]);
  });

  it('leaves a column with words unmarked, lets long cells wrap, and keeps an alignment the Markdown gives', async () => {
    const { html } = await run(['| 名次 | 说明 |', '| :-: | --- |', '| 1 | 本届联赛九月开赛共进行比赛六十余场 |', '| 2 | 二 |'].join('\n'));
    expect(cells(html)).toEqual([
      'th align="center" class="nowrap" 名次',
      'th class="nowrap" 说明',
      // Figures in tabular boxes, centred as asked rather than right-aligned.
      'td align="center" class="nowrap" <span class="fig">1</span>',
      'td 本届联赛九月开赛共进行比赛六十余场',
      'td align="center" class="nowrap" <span class="fig">2</span>',
      'td class="nowrap" 二',
    ]);
  });

  it('collects each row as one line of its cells, for verify to check whole', async () => {
    const { text } = await run(['正文。', '', '| 代表队 | 胜 |', '| --- | --- |', '| 城厢街道 | 12 |'].join('\n'));
    const lines = text.split('\n');
    expect(lines[0]).toBe('正文。');
    expect(lines.slice(1).map(rowCells)).toEqual([
      ['代表队', '胜'],
      ['城厢街道', '12'],
    ]);
  });
});
