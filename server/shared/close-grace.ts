/** How long requests still in flight may finish once the hub stops, before their connections are cut. */
export const CLOSE_GRACE_MS = 2000;
