import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreServices } from '../../src/commands/definition.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { drivers, type TestDatabase } from '../support/databases.js';
import { sample, sampleByDate } from '../support/fixtures.js';
import { testApp } from '../support/services.js';

describe.each(drivers)('trending on $name', (driver) => {
  let database: TestDatabase;
  let services: CoreServices;
  const clock = new FixedClock('2026-11-16T12:00:00Z');
  const byDate = sampleByDate();
  const idsOf = (date: string) => byDate.get(date)!.map((i) => (i.paper as { id: string }).id);

  beforeAll(async () => {
    database = await driver.open();
    services = testApp(database, { clock }).services;
    await services.ingest.importRecords(sample(), 'sample');
  });
  afterAll(() => database.close());

  it("shows a day's list by upvotes", async () => {
    const view = await services.trending.trending({ period: 'day', when: '2026-11-10', limit: 5 });
    expect(view).toMatchObject({ from: '2026-11-10', to: '2026-11-10', total: 21, label: 'Tue 10 Nov 2026' });
    expect(view.papers.map((p) => p.id)).toEqual(idsOf('2026-11-10').slice(0, 5));
  });

  it('defaults to the latest closed day, going back over an empty weekend', async () => {
    clock.set('2026-11-16T12:00:00Z'); // latest closed day: Sun 15 Nov (empty)
    const view = await services.trending.trending({ limit: 3 });
    expect(view.from).toBe('2026-11-13');
    expect(view.note).toMatch(/No papers were listed on Sun 15 Nov 2026/);
    clock.set('2026-11-13T02:00:00Z'); // 12 Nov is still open: latest closed is 11 Nov
    expect((await services.trending.trending({ limit: 3 })).from).toBe('2026-11-11');
    clock.set('2026-11-13T03:00:00Z');
    const closed = await services.trending.trending({ limit: 3 });
    expect(closed.from).toBe('2026-11-12');
    expect(closed.note).toBeUndefined();
    clock.set('2026-11-16T12:00:00Z');
  });

  it('shows an ISO week, from a week name or any date in it, each paper once', async () => {
    const week = await services.trending.trending({ period: 'week', when: '2026-W46', limit: 200 });
    expect(week).toMatchObject({ from: '2026-11-09', to: '2026-11-15', total: 105 });
    const all = ['2026-11-09', '2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13'].flatMap(idsOf);
    expect(new Set(week.papers.map((p) => p.id))).toEqual(new Set(all));
    const upvotes = week.papers.map((p) => p.upvotes);
    expect(upvotes).toEqual([...upvotes].sort((a, b) => b - a));
    expect((await services.trending.trending({ period: 'week', when: '2026-11-04', limit: 1 })).from).toBe(
      '2026-11-02',
    );
    expect((await services.trending.trending({ when: '2026-w45', limit: 1 })).period).toBe('week');
  });

  it('shows a month', async () => {
    const month = await services.trending.trending({ period: 'month', when: '2026-11', limit: 10 });
    expect(month).toMatchObject({ from: '2026-11-01', to: '2026-11-30', total: 215, label: 'November 2026' });
    expect(month.papers[0]!.upvotes).toBe(Math.max(...sample().map((i) => (i.paper as { upvotes: number }).upvotes)));
    const empty = await services.trending.trending({ when: '2026-10', limit: 10 });
    expect(empty).toMatchObject({ total: 0, papers: [] });
  });

  it('refuses dates it cannot read, and future days', async () => {
    await expect(services.trending.trending({ period: 'day', when: '2026-02-30', limit: 5 })).rejects.toThrow(
      /not a date/,
    );
    await expect(services.trending.trending({ period: 'week', when: '2026-W60', limit: 5 })).rejects.toThrow(
      /not a week/,
    );
    await expect(services.trending.trending({ period: 'month', when: '2026-13', limit: 5 })).rejects.toThrow(
      /not a month/,
    );
    await expect(services.trending.trending({ period: 'day', when: '2026-12-01', limit: 5 })).rejects.toThrow(
      /in the future/,
    );
  });
});
