import { describe, expect, it } from 'vitest';
import { WEEKDAYS } from '../../../../shared/contract/routing';
import { formatDuration, parseDates, parseDuration, parseWindows, weekSummary } from './sla-text';

describe('what the SLA screen reads', () => {
  it('durations', () => {
    expect(parseDuration('1h 30m')).toEqual({ value: 5400 });
    expect(parseDuration(' 2d ')).toEqual({ value: 172_800 });
    expect(parseDuration('')).toEqual({ value: null });
    expect(parseDuration('soon')).toHaveProperty('error');
    expect(parseDuration('400d')).toHaveProperty('error');
    expect(formatDuration(5400)).toBe('1h 30m');
    expect(formatDuration(86_400 + 60)).toBe('1d 1m');
  });

  it('opening hours and holidays', () => {
    expect(parseWindows('9:00-12:30, 13:30 - 17:00')).toEqual({ value: [['09:00', '12:30'], ['13:30', '17:00']] });
    expect(parseWindows('')).toEqual({ value: [] });
    expect(parseWindows('17:00-09:00')).toHaveProperty('error');
    expect(parseWindows('nine to five')).toHaveProperty('error');
    expect(parseDates('2026-12-25 Christmas\n2026-01-01, 2026-12-25')).toEqual({ value: ['2026-01-01', '2026-12-25'] });
    expect(parseDates('2026-02-30')).toHaveProperty('error');
  });

  it('a week in one line', () => {
    const nine = [['09:00', '17:00']] as Array<[string, string]>;
    expect(weekSummary({ hours: { mon: nine, tue: nine, wed: nine, thu: nine, fri: nine, sat: [['10:00', '14:00']], sun: [] } }, WEEKDAYS))
      .toBe('Mon–Fri 09:00-17:00 · Sat 10:00-14:00');
    expect(weekSummary({ hours: {} }, WEEKDAYS)).toBe('closed every day');
  });
});
