/** What bench/realistic-floor.ts and its hub processes (floor-hub.ts) agree on. */
export const FLOOR_WORKSPACE = 'bench';
/** conversations on X an agent holds at once */
export const AGENT_CAPACITY = 5;

export interface FloorHubStart {
  type: 'start';
  database: { url?: string; schema?: string; dataDir?: string };
  x: { consumerSecret: string; bearerToken: string; apiBase: string };
  /** only the seeding hub process (stopped before the measured hubs start) */
  seed?: { messages: number; desktops: number };
}

/** a delivery's tweet id is TWEET_BASE + its index */
export const TWEET_BASE = 1_960_000_000_000_000_000n;
