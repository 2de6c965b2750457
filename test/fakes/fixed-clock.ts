import type { Clock } from '../../src/ports/clock.js';

/** A clock that stands still until told to move. */
export class FixedClock implements Clock {
  private current: Date;
  constructor(start: string | Date) {
    this.current = new Date(start);
  }
  now(): Date {
    return new Date(this.current);
  }
  set(at: string | Date): void {
    this.current = new Date(at);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
