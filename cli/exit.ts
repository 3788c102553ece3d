/** Exit codes shared by every command (documented in docs/ZK.md and `dusk-edge --help`). */
export const EXIT = {
  /** Success; `zk verify`: the proof is valid. */
  ok: 0,
  /** A negative answer; `zk verify`: the proof is invalid. */
  negative: 1,
  /** Usage error, unreadable file or malformed input. */
  error: 2,
} as const;
