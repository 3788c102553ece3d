/**
 * Typed errors of the routing core. A peer-facing error carries the action for the sender
 * (STYLE.md rule 4): `ignore` a harmless oddity, `penalize` a peer that sent malformed bytes.
 */

export type RoutingErrorCode =
  | "ROUTING_MESSAGE_TOO_LARGE"
  | "ROUTING_MESSAGE_MALFORMED"
  | "ROUTING_UNKNOWN_TYPE"
  | "ROUTING_BAD_VERSION"
  | "ROUTING_PAYLOAD_TOO_LARGE"
  | "ROUTING_TOO_MANY_REQUESTS"
  | "LINK_MALFORMED"
  | "LINK_CHAIN_MISMATCH"
  | "LINK_TO_SELF"
  | "LINK_OUT_OF_ORDER"
  | "LINK_BAD_PROOF";

export type PeerAction = "ignore" | "penalize";

export class RoutingError extends Error {
  readonly code: RoutingErrorCode;
  readonly action: PeerAction;
  readonly data: Readonly<Record<string, unknown>>;

  constructor(
    code: RoutingErrorCode,
    action: PeerAction,
    message: string,
    data: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "RoutingError";
    this.code = code;
    this.action = action;
    this.data = data;
  }
}
