/**
 * Link authentication: each side of a new link proves possession of its BLS node key
 * (protocol/bls.ts) by signing a challenge bound to this link, so that the peer's node id
 * (`nodeIdFromPublicKey`) is earned, not claimed.
 *
 *   dialer                                   acceptor
 *     HELLO(chain, genesis, pk_d, nonce_d) ->
 *                                         <- HELLO(chain, genesis, pk_a, nonce_a)
 *     PROOF(sig_d over challenge("dialer"))  ->
 *                                         <- PROOF(sig_a over challenge("acceptor"))
 *
 * challenge(role) = domainHash("kadcast-link-auth", chain id, genesis, role, pk_d, nonce_d, pk_a,
 * nonce_a). Both nonces are fresh per link (injected randomness), so a proof is worthless on any
 * other link; the role byte keeps a side from reflecting the peer's own proof back. Signed
 * message: "dusk-edge/link-auth/v1" || challenge, a form no vote or candidate message takes.
 * Not covered (no channel binding under the WebSocket API): a relay between two honest nodes can
 * pass the handshake through; it then only relays bytes it cannot forge or read differently.
 *
 * `LinkHandshake` is a pure state machine: frames in, frames out, the peer's key at the end.
 * A verification costs one pairing check (~20-30 ms): one per link, at link setup.
 */

import { blsSign, blsVerify } from "../../protocol/bls.js";
import { bytesEqual } from "../../protocol/bytes.js";
import { readChainId, writeChainId } from "../../protocol/chain-id.js";
import { decodeExact, Writer } from "../../protocol/codec.js";
import { isProtocolError } from "../../protocol/errors.js";
import { domainHash } from "../../protocol/hash.js";
import { RoutingError } from "./errors.js";
import { type NodeId, nodeIdFromPublicKey } from "./id.js";

export const LINK_NONCE_BYTES = 32;
const PUBLIC_KEY_BYTES = 48;
const SIGNATURE_BYTES = 96;
const HELLO_TAG = 0xa1;
const PROOF_TAG = 0xa2;
const SIGN_PREFIX = new TextEncoder().encode("dusk-edge/link-auth/v1");

export type LinkRole = "dialer" | "acceptor";

export interface LinkHello {
  readonly chainId: string;
  readonly genesisHash: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly nonce: Uint8Array;
}

export interface LinkIdentity {
  readonly chainId: string;
  readonly genesisHash: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

export interface AuthenticatedPeer {
  readonly publicKey: Uint8Array;
  readonly nodeId: NodeId;
}

export function encodeLinkHello(h: LinkHello): Uint8Array {
  const w = new Writer(160).u8(HELLO_TAG);
  // The protocol's chain-id codec: ASCII [A-Za-z0-9._-], so one id has one encoding.
  writeChainId(w, h.chainId);
  return w
    .fixed(h.genesisHash, 32)
    .fixed(h.publicKey, PUBLIC_KEY_BYTES)
    .fixed(h.nonce, LINK_NONCE_BYTES)
    .finish();
}

export function decodeLinkHello(bytes: Uint8Array): LinkHello {
  return wrap(() =>
    decodeExact(bytes, 256, "link hello", (r) => {
      if (r.u8("tag") !== HELLO_TAG) throw malformed("not a link hello");
      return {
        chainId: readChainId(r, "chain id"),
        genesisHash: r.fixed(32, "genesis hash"),
        publicKey: r.fixed(PUBLIC_KEY_BYTES, "public key"),
        nonce: r.fixed(LINK_NONCE_BYTES, "nonce"),
      };
    }),
  );
}

export function linkChallenge(role: LinkRole, dialer: LinkHello, acceptor: LinkHello): Uint8Array {
  const w = new Writer(256);
  writeChainId(w, dialer.chainId);
  w.fixed(dialer.genesisHash, 32)
    .u8(role === "dialer" ? 1 : 2)
    .fixed(dialer.publicKey, PUBLIC_KEY_BYTES)
    .fixed(dialer.nonce, LINK_NONCE_BYTES)
    .fixed(acceptor.publicKey, PUBLIC_KEY_BYTES)
    .fixed(acceptor.nonce, LINK_NONCE_BYTES);
  const challenge = domainHash("kadcast-link-auth", w.finish());
  const message = new Uint8Array(SIGN_PREFIX.length + challenge.length);
  message.set(SIGN_PREFIX, 0);
  message.set(challenge, SIGN_PREFIX.length);
  return message;
}

export class LinkHandshake {
  private readonly mine: LinkHello;
  private theirs: LinkHello | undefined;
  private done: AuthenticatedPeer | undefined;

  constructor(
    readonly role: LinkRole,
    private readonly identity: LinkIdentity,
    /** LINK_NONCE_BYTES of fresh randomness from the host. */
    nonce: Uint8Array,
  ) {
    if (nonce.length !== LINK_NONCE_BYTES) throw new RangeError(`nonce must be ${LINK_NONCE_BYTES} bytes`);
    this.mine = {
      chainId: identity.chainId,
      genesisHash: identity.genesisHash,
      publicKey: identity.publicKey,
      nonce,
    };
  }

  /** Our first frame (both sides send theirs at once). */
  hello(): Uint8Array {
    return encodeLinkHello(this.mine);
  }

  /** The peer's hello: checks chain and genesis, returns our proof frame to send. */
  onHello(bytes: Uint8Array): Uint8Array {
    if (this.theirs !== undefined)
      throw new RoutingError("LINK_OUT_OF_ORDER", "penalize", "second link hello");
    const h = decodeLinkHello(bytes);
    if (h.chainId !== this.mine.chainId || !bytesEqual(h.genesisHash, this.mine.genesisHash)) {
      throw new RoutingError("LINK_CHAIN_MISMATCH", "penalize", `peer is on chain ${h.chainId}`, {
        chainId: h.chainId,
      });
    }
    if (bytesEqual(h.publicKey, this.mine.publicKey)) {
      throw new RoutingError("LINK_TO_SELF", "ignore", "link to self");
    }
    this.theirs = h;
    const signature = blsSign(this.identity.secretKey, this.challenge(this.role));
    return new Writer(SIGNATURE_BYTES + 1).u8(PROOF_TAG).fixed(signature, SIGNATURE_BYTES).finish();
  }

  /** The peer's proof: verifies it; the link is authenticated once this returns. */
  onProof(bytes: Uint8Array): AuthenticatedPeer {
    const theirs = this.theirs;
    if (theirs === undefined || this.done !== undefined) {
      throw new RoutingError("LINK_OUT_OF_ORDER", "penalize", "link proof before hello or twice");
    }
    const signature = wrap(() =>
      decodeExact(bytes, SIGNATURE_BYTES + 1, "link proof", (r) => {
        if (r.u8("tag") !== PROOF_TAG) throw malformed("not a link proof");
        return r.fixed(SIGNATURE_BYTES, "signature");
      }),
    );
    const peerRole: LinkRole = this.role === "dialer" ? "acceptor" : "dialer";
    if (!blsVerify(theirs.publicKey, this.challenge(peerRole), signature)) {
      throw new RoutingError("LINK_BAD_PROOF", "penalize", "link proof does not verify");
    }
    this.done = { publicKey: theirs.publicKey, nodeId: nodeIdFromPublicKey(theirs.publicKey) };
    return this.done;
  }

  get peer(): AuthenticatedPeer | undefined {
    return this.done;
  }

  private challenge(role: LinkRole): Uint8Array {
    const theirs = this.theirs!;
    return this.role === "dialer"
      ? linkChallenge(role, this.mine, theirs)
      : linkChallenge(role, theirs, this.mine);
  }
}

function malformed(message: string): RoutingError {
  return new RoutingError("LINK_MALFORMED", "penalize", message);
}

function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isProtocolError(e))
      throw new RoutingError("LINK_MALFORMED", "penalize", e.message, { cause: e.code });
    throw e;
  }
}
