import { BotError } from '../errors.js';

/** Which Daily Papers list to fetch: one day, an ISO week (`2026-W46`) or a month (`2026-11`). */
export type ListSelector = { readonly date: string } | { readonly week: string } | { readonly month: string };

/**
 * The upstream papers API (Hugging Face). Returns raw JSON records; parsing, validation and skipping of bad records
 * happen in the core, so a drifted record never fails a whole fetch.
 *
 * @example
 * const records = await source.fetchList({ date: '2026-11-13' }); // every page, concatenated
 */
export interface PaperSource {
  /** Base URL, for messages ("could not reach https://huggingface.co"). */
  readonly baseUrl: string;
  /**
   * Every record of a list, all pages fetched. A weekend's `[]` is an empty array, not an error.
   * @throws BotError SOURCE_UNAVAILABLE (network, 5xx, rate limit after retries), SOURCE_REJECTED (4xx),
   *   SOURCE_MALFORMED (not JSON, not an array).
   */
  fetchList(selector: ListSelector): Promise<unknown[]>;
  /** One paper (`/api/papers/{id}`), or undefined when Hugging Face does not know it (404). Throws as above. */
  fetchPaper(id: string): Promise<unknown | undefined>;
}

/**
 * The source cannot be reached at all (DNS failure, connection refused, no route): retrying in seconds will not
 * help, so callers stop at once (a backfill fails fast, a refresh waits for its next run) instead of retrying
 * every request.
 */
export class SourceUnreachable extends BotError {
  /** The source's base URL and the network problem (`ENOTFOUND`, `ECONNREFUSED`…), for a short line. */
  readonly url: string;
  readonly problem: string;
  constructor(url: string, problem: string, options?: { cause?: unknown }) {
    super(
      `Hugging Face at ${url} is unreachable (${problem}): check the network, or HF_API_URL`,
      'SOURCE_UNAVAILABLE',
      options,
    );
    this.url = url;
    this.problem = problem;
  }
  override get name(): string {
    return 'SourceUnreachable';
  }
}
