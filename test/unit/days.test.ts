import { describe, expect, it } from 'vitest';
import {
  closesAt,
  isClosed,
  isIsoDate,
  isoWeekOf,
  isoWeekRange,
  latestClosedDay,
  monthRange,
} from '../../src/domain/days.js';

describe('the closed-day rule: a list closes at 03:00 UTC the next calendar day', () => {
  it.each([
    ['2026-11-25T02:59:59Z', '2026-11-23'],
    ['2026-11-25T03:00:00Z', '2026-11-24'],
    ['2026-11-25T23:59:59Z', '2026-11-24'],
    ['2026-11-26T00:00:00Z', '2026-11-24'],
    ['2027-01-01T03:00:00Z', '2026-12-31'],
    ['2028-03-01T02:00:00Z', '2028-02-28'],
    ['2028-03-01T04:00:00Z', '2028-02-29'],
  ])('at %s the latest closed day is %s', (now, day) => {
    expect(latestClosedDay(new Date(now))).toBe(day);
  });

  it('closes a day exactly at 03:00 UTC next day', () => {
    expect(closesAt('2026-11-13').toISOString()).toBe('2026-11-14T03:00:00.000Z');
    expect(isClosed('2026-11-13', new Date('2026-11-14T02:59:59.999Z'))).toBe(false);
    expect(isClosed('2026-11-13', new Date('2026-11-14T03:00:00.000Z'))).toBe(true);
  });
});

describe('calendar helpers', () => {
  it('validates dates', () => {
    expect(isIsoDate('2026-11-13')).toBe(true);
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('2026-1-3')).toBe(false);
    expect(isIsoDate('13/11/2026')).toBe(false);
  });

  it.each([
    ['2026-11-13', '2026-W46'],
    ['2027-01-01', '2026-W53'],
    ['2024-12-30', '2025-W01'],
    ['2021-01-03', '2020-W53'],
  ])('%s is in ISO week %s', (date, week) => {
    expect(isoWeekOf(date)).toBe(week);
  });

  it('gives Monday..Sunday of an ISO week and rejects weeks that do not exist', () => {
    expect(isoWeekRange('2026-W46')).toEqual({ from: '2026-11-09', to: '2026-11-15' });
    expect(isoWeekRange('2025-W01')).toEqual({ from: '2024-12-30', to: '2025-01-05' });
    expect(isoWeekRange('2026-W53')).toEqual({ from: '2026-12-28', to: '2027-01-03' });
    expect(isoWeekRange('2025-W53')).toBeUndefined();
    expect(isoWeekRange('2026-W00')).toBeUndefined();
    expect(isoWeekRange('2026-46')).toBeUndefined();
  });

  it('gives the first and last day of a month', () => {
    expect(monthRange('2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(monthRange('2026-11')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(monthRange('2026-13')).toBeUndefined();
  });
});
