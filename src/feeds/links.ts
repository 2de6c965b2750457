/** Feed paths and URLs: one place for what `/papers feed`, the HTTP routes and the feeds' self links agree on. */

export type FeedFormat = 'atom' | 'json';
export const FEED_FORMATS: readonly FeedFormat[] = ['atom', 'json'];

/** A channel feed token as newFeedToken makes them: 32 URL-safe characters. */
export const FEED_TOKEN = /^[A-Za-z0-9_-]{32}$/;

/** `/feeds/channel/<token>` (no extension: add `.atom` or `.json`). */
export function channelFeedPath(token: string): string {
  return `/feeds/channel/${token}`;
}

/** An absolute URL when the base is known, else the path. */
export function feedUrl(base: string | undefined, path: string): string {
  return `${base ?? ''}${path}`;
}
