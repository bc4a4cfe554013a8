// Incident dates: `event_date` is YYYY, YYYY-MM or YYYY-MM-DD (TIMEX3 precision), shown and placed as such.

/** The day an event_date stands for, in UTC (mid-month, mid-year for coarser dates); null if none. */
export function dayOf(value) {
  if (!value) return null;
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(value);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), m[2] ? Number(m[2]) : 7, m[3] ? Number(m[3]) : m[2] ? 15 : 1];
  const date = new Date(Date.UTC(year, month - 1, day));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A date as the analyst reads it: the stored value, or 'undated'. */
export function dayLabel(value) {
  return value ? String(value).slice(0, 10) : 'undated';
}

/** YYYY-MM-DD of a Date, in UTC. */
export function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

/** The last day a stored date covers: the day itself, a month's last day, a year's 31 December; null if none. */
export function lastDayOf(value) {
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(value ?? '');
  if (!m) return null;
  const [year, month] = [Number(m[1]), m[2] ? Number(m[2]) : 12];
  const date = m[3] ? new Date(Date.UTC(year, month - 1, Number(m[3]))) : new Date(Date.UTC(year, month, 0));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** { since, until } (YYYY-MM-DD) of the `days` days ending on the last day `last` covers; null if no date. */
export function lastDays(last, days) {
  const until = lastDayOf(last);
  if (!until) return null;
  return { since: isoDay(new Date(until.getTime() - (days - 1) * 864e5)), until: isoDay(until) };
}
