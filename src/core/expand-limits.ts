/**
 * How much one response may expand. A record appears in the JSON once per path that reaches it, so paths
 * that go back and forth (`author.posts_via_author.author...`) multiply: these bound the expanded records
 * as they will be written, and their estimated size, before anything is serialized.
 */
export interface ExpandLimits {
  /** The most expanded records in one response, counted as often as they appear. */
  maxRecords: number;
  /** The most bytes of expanded records in one response (estimated from their values). */
  maxBytes: number;
}

export const defaultExpandLimits: ExpandLimits = { maxRecords: 20_000, maxBytes: 64 << 20 };
