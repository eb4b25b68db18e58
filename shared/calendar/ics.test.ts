import { describe, expect, it } from 'vitest';
import { parseIcsHolidays } from './ics';

const cal = (events: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n${events}END:VCALENDAR\r\n`;

describe('holidays from an .ics file', () => {
  it('reads all-day events, multi-day spans (DTEND exclusive) and DURATION, folded lines and a BOM', () => {
    const r = parseIcsHolidays('\uFEFF' + cal(
      'BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261227\r\nSUMMARY:Christmas and\r\n  Boxing Day\r\nEND:VEVENT\r\n' +
      'BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\nSUMMARY:New Year\r\nEND:VEVENT\r\n' +
      'BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260501\r\nDURATION:P2D\r\nSUMMARY:May days\r\nEND:VEVENT\r\n'));
    expect(r).toEqual({ dates: ['2026-01-01', '2026-05-01', '2026-05-02', '2026-12-25', '2026-12-26'], skipped: [] });
  });

  it('repeats yearly events up to the given year (COUNT, UNTIL, 29 February only in leap years)', () => {
    const r = parseIcsHolidays(cal(
      'BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260704\nRRULE:FREQ=YEARLY\nSUMMARY:Independence Day\nEND:VEVENT\n' +
      'BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261111\nRRULE:FREQ=YEARLY;COUNT=2\nEND:VEVENT\n' +
      'BEGIN:VEVENT\nDTSTART;VALUE=DATE:20240229\nRRULE:FREQ=YEARLY;UNTIL=20290101\nEND:VEVENT\n'), 2028);
    expect(r.dates).toEqual(['2024-02-29', '2026-07-04', '2026-11-11', '2027-07-04', '2027-11-11', '2028-02-29', '2028-07-04']);
  });

  it('says what it did not read instead of guessing', () => {
    const r = parseIcsHolidays(cal(
      'BEGIN:VEVENT\nSUMMARY:No date\nEND:VEVENT\n' +
      'BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261126\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\nSUMMARY:Thanksgiving\nEND:VEVENT\n' +
      'BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261332\nSUMMARY:Bad date\nEND:VEVENT\n'));
    expect(r.dates).toEqual(['2026-11-26']);
    expect(r.skipped).toEqual(['No date: no start date', expect.stringMatching(/^Thanksgiving: repeats by a rule other than/), 'Bad date: no start date']);
    expect(parseIcsHolidays('hello').skipped).toEqual(['not an iCalendar file (no BEGIN:VCALENDAR)']);
  });

  it('timed events count by the date written in their start', () => {
    expect(parseIcsHolidays(cal('BEGIN:VEVENT\nDTSTART:20260316T090000Z\nDTEND:20260316T170000Z\nEND:VEVENT\n')).dates).toEqual(['2026-03-16']);
  });
});
