/**
 * RFC 3339 `date-time` (section 5.6): `YYYY-MM-DDTHH:MM:SS[.frac]` then `Z` or `±HH:MM`. The zone
 * is required (a local time means a different instant on every machine) and the date must exist
 * on the calendar (`2030-02-30` is refused, not rolled over to March). Leap seconds (`:60`) are
 * refused: JavaScript dates cannot hold them.
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** The instant the text names, or undefined when it is no strict RFC 3339 date-time. */
export function parseRfc3339DateTime(text: string): Date | undefined {
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const [sign, offsetHours, offsetMinutes] = [match[8], Number(match[9] ?? 0), Number(match[10] ?? 0)];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const millis = match[7] ? Math.floor(Number(`0${match[7]}`) * 1000) : 0;
  const offset = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // not Date.UTC, which maps years 0–99 to 1900–1999
  date.setUTCHours(hour, minute - offset, second, millis);
  return date;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
