/**
 * Routing parameters (../shared/DESIGN.md, "Network"). Every cache, queue and table has a bound
 * here (STYLE.md rule 7); units are last in names.
 */

export interface RoutingParams {
  /** Contacts per bucket (Kademlia K). */
  readonly k: number;
  /** Parallel queries per lookup (Kademlia alpha). */
  readonly alpha: number;
  /** Delegates per bucket for plain broadcast and for announcements (Kadcast beta). */
  readonly beta: number;
  /**
   * Announcement delegates per bucket at the origin of a tree broadcast. The origin's first hop
   * is the one place with no redundancy from other relayers (a subtree whose announcement
   * delegates are all silent is cut off), and announcements are small, so it pays to send more.
   */
  readonly betaOrigin: number;
  /** Delegates per bucket that get a large payload itself (the tree: 1 = each node once). */
  readonly betaPayload: number;
  /** Payloads of at least this many bytes go by announce + tree + pull; smaller ones by plain beta. */
  readonly largePayloadBytes: number;
  /** After the first announcement, wait this long for the tree's copy before pulling. */
  readonly pullDelayMs: number;
  /** A pull unanswered after this long is retried on another announcer. */
  readonly pullTimeoutMs: number;
  /** Pull attempts per payload (the first one included). */
  readonly pullAttemptsMax: number;
  /** Announcers remembered per payload (the pull candidates). */
  readonly announcersMax: number;
  /** Pulls a node keeps waiting for a payload it was announced but does not hold yet. */
  readonly waitingPullsMax: number;
  /** Payload hashes remembered for de-duplication (and payloads kept for pulls, see below). */
  readonly seenMax: number;
  /** Payloads kept in memory to answer pulls (the most recent ones). */
  readonly storedPayloadsMax: number;
  /** Point-to-point requests in flight (FIND_NODES, PING, REQUEST). */
  readonly pendingRequestsMax: number;
  readonly requestTimeoutMs: number;
  /** Concurrent lookups (bucket refreshes and explicit lookups). */
  readonly lookupsMax: number;
  /** Queries per lookup before it gives up. */
  readonly lookupQueriesMax: number;
  /** A bucket untouched this long is refreshed by a lookup of a random id inside it. */
  readonly refreshIntervalMs: number;
  /** Consecutive request timeouts after which a contact is evicted. */
  readonly failuresToEvict: number;
  /** Wire limits. */
  readonly maxPayloadBytes: number;
  readonly maxRequestBytes: number;
  readonly maxAddressBytes: number;
}

export const DEFAULT_ROUTING_PARAMS: RoutingParams = {
  k: 20,
  alpha: 3,
  beta: 3,
  betaOrigin: 8,
  betaPayload: 1,
  largePayloadBytes: 2048,
  pullDelayMs: 250,
  pullTimeoutMs: 300,
  pullAttemptsMax: 4,
  announcersMax: 4,
  waitingPullsMax: 32,
  seenMax: 8192,
  storedPayloadsMax: 256,
  pendingRequestsMax: 512,
  requestTimeoutMs: 2000,
  lookupsMax: 4,
  lookupQueriesMax: 60,
  refreshIntervalMs: 10 * 60 * 1000,
  failuresToEvict: 2,
  maxPayloadBytes: 4 * 1024 * 1024,
  maxRequestBytes: 4 * 1024 * 1024,
  maxAddressBytes: 256,
};
