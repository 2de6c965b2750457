/** The console's limits: a terminal has no message size limit, so a digest prints as one part. */
export const CONSOLE_LIMITS = {
  /** Parts a digest is posted in. */
  digestParts: 1,
} as const;
