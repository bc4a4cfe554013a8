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
