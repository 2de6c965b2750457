import { describe, expect, it } from 'vitest';
import { createPapersCommands } from '../../src/commands/index.js';
import { parseArgs } from '../../src/commands/parse.js';
import { UserError } from '../../src/errors.js';

const registry = createPapersCommands();
const def = (name: string) => registry.get(name)!;
const text = (t: string) => ({ kind: 'text' as const, text: t });
const typed = (values: Record<string, string | number | boolean | undefined>) => ({ kind: 'options' as const, values });

describe('one parser for text and typed options', () => {
  it('maps trending words onto options in any order', () => {
    expect(parseArgs(def('trending'), text('week 2026-W46 3'))).toEqual({ period: 'week', date: '2026-W46', limit: 3 });
    expect(parseArgs(def('trending'), text('3 2026-11-13'))).toEqual({ date: '2026-11-13', limit: 3 });
    expect(parseArgs(def('trending'), text('MONTH 2026-11 public'))).toEqual({
      period: 'month',
      date: '2026-11',
      public: true,
    });
  });

  it('gives the same arguments from Discord-style typed options', () => {
    expect(parseArgs(def('trending'), typed({ period: 'week', date: '2026-W46', limit: 3 }))).toEqual(
      parseArgs(def('trending'), text('week 2026-W46 3')),
    );
    expect(parseArgs(def('digest'), typed({ setting: 'timezone', value: 'Europe/Paris' }))).toEqual(
      parseArgs(def('digest'), text('timezone Europe/Paris')),
    );
  });

  it('keeps the rest of the line as typed, quotes and all, for queries and topics', () => {
    expect(parseArgs(def('search'), text('"graph neural"  -survey OR transformer since:2024-01-01'))).toEqual({
      query: '"graph neural"  -survey OR transformer since:2024-01-01',
    });
    expect(parseArgs(def('search'), text('public transport public'))).toEqual({
      query: 'public transport',
      public: true,
    });
    expect(parseArgs(def('digest'), text('timezone America/Argentina/Buenos_Aires'))).toEqual({
      setting: 'timezone',
      value: 'America/Argentina/Buenos_Aires',
    });
  });

  it.each([
    ['trending', text('fortnight'), '“fortnight” is not something trending understands here.'],
    ['trending', text('0'), 'limit must be from 1 to 25, not 0.'],
    ['trending', typed({ limit: 'five' }), 'limit must be a whole number, not “five”.'],
    ['trending', typed({ limit: 2.5 }), 'limit must be a whole number, not “2.5”.'],
    ['trending', typed({ period: 42 }), 'period must be text, not number.'],
    ['trending', typed({ bogus: 'x' }), 'trending has no option “bogus”.'],
    ['search', text(''), 'search needs a query.'],
    ['search', text('x'.repeat(501)), 'query is 501 characters long; the most is 500.'],
    ['digest', text(''), 'digest needs a setting.'],
    [
      'digest',
      text('volume 11'),
      'setting must be one of on, off, time, timezone, days, size, min-upvotes, mode, weekly, thread, rising, ranking, alerts, followups, preview, not “volume”.',
    ],
    ['status', typed({ public: 'maybe' }), 'public must be yes or no, not “maybe”.'],
  ])('%s %j is refused: %s', (name, input, message) => {
    let caught: unknown;
    try {
      parseArgs(def(name), input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as UserError).message).toBe(message);
    expect((caught as UserError).usage).toBe(def(name).usage);
  });

  it('turns control characters into spaces, typed or text', () => {
    expect(parseArgs(def('search'), text('diffusion\u0000models'))).toEqual({ query: 'diffusion models' });
    expect(parseArgs(def('search'), typed({ query: 'a\u001bb' }))).toEqual({ query: 'a b' });
  });

  it('registers each command once, with Discord-sized descriptions', () => {
    expect(registry.list.map((d) => d.name)).toEqual([
      'help',
      'trending',
      'rising',
      'search',
      'paper',
      'similar',
      'topics',
      'subscribe',
      'unsubscribe',
      'follow',
      'digest',
      'status',
      'feed',
      'save',
      'saved',
      'vote',
    ]);
    for (const d of registry.list) for (const o of d.options) expect(o.description.length).toBeLessThanOrEqual(100);
  });
});
