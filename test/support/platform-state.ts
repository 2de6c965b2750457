import type { PlatformState } from '../../src/index.js';

/** A platform's key-value state in memory: the in-memory double of the PlatformState port. */
export class PlatformStateStub implements PlatformState {
  readonly entries = new Map<string, unknown>();

  async get<T>(key: string): Promise<T | undefined> {
    return this.entries.get(key) as T | undefined;
  }
  async put(key: string, value: unknown): Promise<void> {
    this.entries.set(key, structuredClone(value));
  }
  async delete(key: string): Promise<boolean> {
    return this.entries.delete(key);
  }
  async list<T>(prefix: string): Promise<{ key: string; value: T }[]> {
    return [...this.entries.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => ({ key, value: value as T }));
  }
}
