/** The week as care volume repeats by it: 15-minute intervals and the 168 hours of a week (UTC). */
export const INTERVAL_MS = 15 * 60_000;
export const HOUR_MS = 3_600_000;
export const WEEK_HOURS = 168;

/** 0 (Sunday 00:00–01:00 UTC) … 167 (Saturday 23:00). */
export const hourOfWeek = (at: number): number => {
  const d = new Date(at);
  return d.getUTCDay() * 24 + d.getUTCHours();
};
