import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  nextSlot,
  parsePostTime,
  passedSlots,
  suggestTimeZones,
  wallClock,
  zonedTime,
} from '../../src/domain/schedule.js';

const at = (iso: string) => new Date(iso);

describe('local posting times in IANA zones', () => {
  it.each([
    ['2026-11-16', '09:00', 'UTC', '2026-11-16T09:00:00.000Z'],
    ['2026-11-16', '09:00', 'Europe/Paris', '2026-11-16T08:00:00.000Z'],
    ['2026-07-16', '09:00', 'Europe/Paris', '2026-07-16T07:00:00.000Z'],
    ['2026-11-16', '09:00', 'Asia/Kolkata', '2026-11-16T03:30:00.000Z'],
    ['2026-11-16', '09:00', 'Pacific/Kiritimati', '2026-11-15T19:00:00.000Z'],
    ['2026-11-16', '09:00', 'America/Los_Angeles', '2026-11-16T17:00:00.000Z'],
  ])('%s %s in %s is %s', (date, time, zone, utc) => {
    expect(zonedTime(date, time, zone).toISOString()).toBe(utc);
  });

  it('spring forward: a time in the gap posts one hour later, an ordinary time is unaffected', () => {
    // New York, 8 Mar 2026: 02:00 EST jumps to 03:00 EDT.
    expect(zonedTime('2026-03-08', '02:30', 'America/New_York').toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(wallClock(zonedTime('2026-03-08', '02:30', 'America/New_York'), 'America/New_York').time).toBe('03:30');
    expect(zonedTime('2026-03-08', '09:00', 'America/New_York').toISOString()).toBe('2026-03-08T13:00:00.000Z');
    expect(zonedTime('2026-03-07', '09:00', 'America/New_York').toISOString()).toBe('2026-03-07T14:00:00.000Z');
  });

  it('fall back: a time that occurs twice posts at the first', () => {
    // New York, 1 Nov 2026: 02:00 EDT falls back to 01:00 EST.
    expect(zonedTime('2026-11-01', '01:30', 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(zonedTime('2026-11-01', '09:00', 'America/New_York').toISOString()).toBe('2026-11-01T14:00:00.000Z');
  });
});

describe('which slots have passed, and the next one', () => {
  const weekdays = { postTime: '09:00', timezone: 'Europe/Paris', days: 'weekdays' as const };

  it("gives today's slot once its time has come, and yesterday's too (for catch-up after midnight)", () => {
    expect(passedSlots(weekdays, at('2026-11-17T07:59:00Z')).map((s) => s.localDate)).toEqual(['2026-11-16']);
    expect(passedSlots(weekdays, at('2026-11-17T08:00:00Z')).map((s) => s.localDate)).toEqual([
      '2026-11-16',
      '2026-11-17',
    ]);
  });

  it('skips weekends for weekday channels, not for daily ones', () => {
    expect(passedSlots(weekdays, at('2026-11-15T12:00:00Z'))).toEqual([]); // Sunday: Sat and Sun
    const daily = { ...weekdays, days: 'daily' as const };
    expect(passedSlots(daily, at('2026-11-15T12:00:00Z')).map((s) => s.localDate)).toEqual([
      '2026-11-14',
      '2026-11-15',
    ]);
    expect(nextSlot(weekdays, at('2026-11-13T12:00:00Z')).localDate).toBe('2026-11-16');
    expect(nextSlot(daily, at('2026-11-13T12:00:00Z')).localDate).toBe('2026-11-14');
  });

  it("uses the channel's local date, not UTC's", () => {
    const tokyo = { postTime: '08:30', timezone: 'Asia/Tokyo', days: 'weekdays' as const };
    // Sun 23:45 UTC is Mon 08:45 in Tokyo: Monday's slot has passed.
    expect(passedSlots(tokyo, at('2026-11-15T23:45:00Z')).map((s) => [s.localDate, s.at.toISOString()])).toEqual([
      ['2026-11-16', '2026-11-15T23:30:00.000Z'],
    ]);
  });

  it('gives the next slot across a DST change', () => {
    const ny = { postTime: '09:00', timezone: 'America/New_York', days: 'daily' as const };
    expect(nextSlot(ny, at('2026-03-07T15:00:00Z')).at.toISOString()).toBe('2026-03-08T13:00:00.000Z');
    expect(nextSlot(ny, at('2026-10-31T14:00:00Z')).at.toISOString()).toBe('2026-11-01T14:00:00.000Z');
  });
});

describe('setting values', () => {
  it('parses 24-hour times', () => {
    expect(parsePostTime('9:05')).toBe('09:05');
    expect(parsePostTime('23:59')).toBe('23:59');
    for (const bad of ['24:00', '9', '9am', '09:60', '', '12:3']) expect(parsePostTime(bad)).toBeUndefined();
  });
  it('canonicalises zone names and suggests close ones', () => {
    expect(canonicalTimeZone('europe/paris')).toBe('Europe/Paris');
    expect(canonicalTimeZone('utc')).toBe('UTC');
    expect(canonicalTimeZone('Mars/Olympus')).toBeUndefined();
    expect(suggestTimeZones('Europe/Pariss', 3)).toEqual(['Europe/Paris']);
    expect(suggestTimeZones('new york', 3)).toEqual(['America/New_York']);
    expect(suggestTimeZones('', 25)).toHaveLength(25);
  });
});
