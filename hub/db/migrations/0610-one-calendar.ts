/**
 * 0610: one business-hours calendar. The metrics settings' calendar was stored in a shape of its
 * own ({timeZone, weekly: {"0".."6": windows}, holidays}); it is now routing's calendar
 * (hub/routing/calendar.ts: {id, time_zone, hours: {sun..sat: windows}, holidays}), the one the SLA
 * due times use. Stored calendars are rewritten into that shape.
 */
import type { Queryable } from '../db';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export async function up(db: Queryable): Promise<void> {
  const hours = DAYS.map((d, i) => `'${d}', coalesce(calendar->'weekly'->'${i}', '[]'::jsonb)`).join(', ');
  await db.exec(`
UPDATE metrics_settings
   SET calendar = jsonb_build_object('id', 'business-hours', 'time_zone', calendar->'timeZone',
                                     'hours', jsonb_build_object(${hours}),
                                     'holidays', coalesce(calendar->'holidays', '[]'::jsonb))
 WHERE calendar ? 'timeZone';
`);
}
