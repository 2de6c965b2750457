/** The time source: injected everywhere so schedules and "latest closed day" are testable. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
