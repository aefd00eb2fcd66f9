const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];
const DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

function parseDay(iso: string): Date {
  return new Date(`${iso}T12:00:00Z`);
}

/** `2026年11月26日` */
export function chineseDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** `星期四` */
export function weekday(iso: string): string {
  return WEEKDAYS[parseDay(iso).getUTCDay()] ?? '';
}

/** Lunar day names: 初一 … 初十, 十一 … 二十, 廿一 … 三十. */
function lunarDayName(day: number): string {
  if (day <= 10) return `初${DIGITS[day]}`;
  if (day < 20) return `十${DIGITS[day - 10]}`;
  if (day === 20) return '二十';
  if (day < 30) return `廿${DIGITS[day - 20]}`;
  return '三十';
}

/** The Chinese lunar date from ICU's Chinese calendar, e.g. `农历丙午年十月十八`. */
export function lunarDate(iso: string): string {
  const parts = new Intl.DateTimeFormat('zh-CN-u-ca-chinese', {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  }).formatToParts(parseDay(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `农历${part('yearName')}年${part('month')}${lunarDayName(Number(part('day')))}`;
}
