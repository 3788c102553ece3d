/**
 * Fuzz targets (issue 12): every decoder and parser that takes untrusted input, driven by
 * fast-check (seeded, shrinking). Properties:
 * - only the decoder's typed error escapes (ProtocolError, RoutingError, WasmError, WalletError);
 * - canonical encodings: when bytes decode, encoding the result gives the same bytes back (so
 *   one message has one encoding, and decode(encode(x)) = x for every x that decodes);
 * - schema parsers (zod, JSON) never throw, whatever the JSON;
 * - every case stays within the CPU and allocation bounds of bounds.ts (no allocation
 *   proportional to a claimed length, no hang).
 * Inputs are mutations of valid encodings (bit flips, truncation, insertion, splices, a huge
 * claimed length written over any 2, 4 or 8 bytes with little behind it) and raw random bytes. Used by `npm run fuzz` (long campaign) and test/unit/fuzz.test.ts (short one).
 */

import fc from "fast-check";
import { parseKeystore, WalletError } from "../../cli/wallet/keystore.js";
import { VoteKind, voteOf } from "../../protocol/attestation.js";
import { decodeBlock, encodeBlock } from "../../protocol/block.js";
import { ed25519KeyFromSeed } from "../../protocol/ed25519.js";
import { isProtocolError } from "../../protocol/errors.js";
import { decodeMessage, encodeMessage, MessageType } from "../../protocol/messages.js";
import { decodeReceipt, encodeReceipt } from "../../protocol/receipt.js";
import { ENCRYPTED_NOTE_BYTES, SHIELDED_PROOF_BYTES } from "../../protocol/shielded.js";
import {
  decodeTransaction,
  encodeTransaction,
  signCall,
  signDeploy,
  signShieldedDeposit,
  signShieldedTransfer,
  signTransfer,
  type Transaction,
} from "../../protocol/transaction.js";
import { compileContract } from "../../workers/executor/contracts/runtime.js";
import { WasmError } from "../../workers/executor/wasm/errors.js";
import { METHODS } from "../../workers/gateway/rpc/methods.js";
import { parseClientMessage } from "../../workers/gateway/subscriptions/topics.js";
import { RoutingError } from "../../workers/routing/errors.js";
import { decodeLinkHello, encodeLinkHello } from "../../workers/routing/link-auth.js";
import {
  decodeMessage as decodeFrame,
  encodeMessage as encodeFrame,
  MsgType,
} from "../../workers/routing/messages.js";
import { DEFAULT_ROUTING_PARAMS } from "../../workers/routing/params.js";
import { parseHello } from "../../workers/routing/peer-links.js";
import { decodeGroth16Key, decodeGroth16Proof } from "../../workers/verifier/zk/groth16.js";
import { decodePlonkKey, decodePlonkProof } from "../../workers/verifier/zk/plonk.js";
import { withinBounds } from "./bounds.js";

export interface FuzzTarget {
  readonly name: string;
  readonly property: () => fc.IProperty<[unknown]> | fc.IProperty<never>;
  /** Binary decoders only: the valid encodings mutated, for deterministic hostile tests. */
  readonly decoder?: BinaryDecoder;
}

export interface BinaryDecoder {
  readonly seeds: readonly Uint8Array[];
  readonly decode: (b: Uint8Array) => unknown;
  /** True for the decoder's own typed error (what it may throw). */
  readonly accepted: (e: unknown) => boolean;
}

const alice = ed25519KeyFromSeed(new Uint8Array(32).fill(1));
const bob = ed25519KeyFromSeed(new Uint8Array(32).fill(2));
const CHAIN = "fuzz-chain";

const common = {
  chainId: CHAIN,
  from: alice.publicKey,
  amount: 5n,
  nonce: 3n,
  gasLimit: 100_000n,
  gasPrice: 2n,
};
const SEED_TXS: Transaction[] = [
  signTransfer(alice.secretKey, { ...common, to: bob.publicKey, memo: new Uint8Array([1, 2, 3]) }),
  signDeploy(alice.secretKey, {
    ...common,
    code: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]),
    init: new Uint8Array([9]),
  }),
  signCall(alice.secretKey, {
    ...common,
    contract: new Uint8Array(32).fill(7),
    fn: "transfer",
    input: new Uint8Array([4, 5]),
  }),
  // Shielded kinds (protocol/shielded.ts): fixed-size fields, so mutations hit every offset.
  signShieldedDeposit(alice.secretKey, {
    ...common,
    commitment: new Uint8Array(32).fill(3),
    encryptedNote: new Uint8Array(ENCRYPTED_NOTE_BYTES).fill(4),
    proof: new Uint8Array(SHIELDED_PROOF_BYTES).fill(5),
  }),
  signShieldedTransfer(alice.secretKey, {
    ...common,
    nonce: 1n,
    to: bob.publicKey,
    root: new Uint8Array(32).fill(6),
    nullifiers: [new Uint8Array(32).fill(7), new Uint8Array(32).fill(8)],
    commitments: [new Uint8Array(32).fill(9), new Uint8Array(32).fill(10)],
    encryptedNotes: [
      new Uint8Array(ENCRYPTED_NOTE_BYTES).fill(11),
      new Uint8Array(ENCRYPTED_NOTE_BYTES).fill(12),
    ],
    proof: new Uint8Array(SHIELDED_PROOF_BYTES).fill(13),
  }),
];

/**
 * Length claims written over a field of a valid encoding: 2^31 and 2^32-1 as u32, 2^16-1 as u16,
 * 2^64-1 and 2^63 as u64 (little-endian, the codec's byte order).
 */
const HUGE_CLAIMS: readonly number[][] = [
  [0, 0, 0, 0x80],
  [0xff, 0xff, 0xff, 0xff],
  [0xff, 0xff, 0xff, 0x7f],
  [0xff, 0xff],
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  [0, 0, 0, 0, 0, 0, 0, 0x80],
];

/** `s` with a huge claim written at `at`, cut `keep` bytes after it (the bytes are not there). */
export function withClaim(s: Uint8Array, at: number, claim: readonly number[], keep: number): Uint8Array {
  const i = s.length <= claim.length ? 0 : at % (s.length - claim.length + 1);
  const out = new Uint8Array(Math.max(i + claim.length, Math.min(s.length, i + claim.length + keep)));
  out.set(s.subarray(0, Math.min(s.length, out.length)));
  out.set(claim, i);
  return out;
}

/**
 * Mutations of `seeds`: flips, truncations, insertions, duplicated slices, huge length claims,
 * or raw bytes.
 */
export function mutated(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const seed = fc.constantFrom(...seeds);
  return fc.oneof(
    fc
      .tuple(
        seed,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
      )
      .map(([s, flips]) => {
        const out = s.slice();
        for (const [at, x] of flips) if (out.length > 0) out[at % out.length]! ^= x;
        return out;
      }),
    fc.tuple(seed, fc.nat()).map(([s, n]) => s.slice(0, s.length === 0 ? 0 : n % s.length)),
    fc.tuple(seed, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([s, at, ins]) => {
      const i = s.length === 0 ? 0 : at % s.length;
      return new Uint8Array([...s.subarray(0, i), ...ins, ...s.subarray(i)]);
    }),
    fc.tuple(seed, fc.nat(), fc.nat()).map(([s, a, b]) => {
      const i = s.length === 0 ? 0 : a % s.length;
      const j = s.length === 0 ? 0 : b % s.length;
      return new Uint8Array([...s.subarray(0, Math.max(i, j)), ...s.subarray(Math.min(i, j))]);
    }),
    fc
      .tuple(seed, fc.nat(), fc.constantFrom(...HUGE_CLAIMS), fc.nat({ max: 16 }))
      .map(([s, at, claim, keep]) => withClaim(s, at, claim, keep)),
    fc.uint8Array({ maxLength: 512 }),
  );
}

const equalBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** decode either throws an accepted error or gives a value whose encoding is the input. */
function canonical<T>(
  name: string,
  seeds: readonly Uint8Array[],
  decode: (b: Uint8Array) => T,
  encode: ((v: T) => Uint8Array) | null,
  accepted: (e: unknown) => boolean,
): FuzzTarget {
  return {
    name,
    decoder: { seeds, decode, accepted },
    property: () =>
      fc.property(mutated(seeds), (bytes) => {
        let value: T | undefined;
        let decoded = false;
        withinBounds(name, bytes, () => {
          try {
            value = decode(bytes);
            decoded = true;
          } catch (e) {
            if (!accepted(e)) throw e;
          }
        });
        if (decoded && encode !== null && !equalBytes(encode(value as T), bytes)) {
          throw new Error(`${name}: non-canonical encoding accepted`);
        }
      }) as fc.IProperty<[unknown]>,
  };
}

const MINIMAL_WASM = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 3, 1, 0, 1, 7, 17, 2, 6, 109, 101, 109, 111,
  114, 121, 2, 0, 4, 105, 110, 105, 116, 0, 0, 10, 4, 1, 2, 0, 11,
]);

const receipt = {
  status: "success" as const,
  gasUsed: 77n,
  error: null,
  events: [
    { contract: new Uint8Array(32).fill(3), topic: new Uint8Array([1]), data: new Uint8Array([2, 3]) },
  ],
  returnData: new Uint8Array([4]),
  contract: null,
};

const fill = (n: number, v: number) => new Uint8Array(n).fill(v);
const attestation = (v: number) => ({
  result: voteOf(VoteKind.Valid, fill(32, v)),
  validation: { bitset: 0b1011n, signature: fill(96, v + 1) },
  ratification: { bitset: (1n << 63n) | 1n, signature: fill(96, v + 2) },
});
const SEED_BLOCK = {
  header: {
    version: 1,
    height: 42,
    timestampMs: 1_700_000_000_000,
    prevHash: fill(32, 1),
    seed: fill(96, 2),
    generator: fill(48, 3),
    txRoot: fill(32, 4),
    stateRoot: fill(32, 5),
    faultRoot: fill(32, 7),
    gasUsed: 21_000n,
    iteration: 2,
    prevAttestation: attestation(0x30),
    failedIterations: [attestation(8), null],
    signature: fill(96, 6),
  },
  transactions: SEED_TXS,
  faults: [],
};
const WIRE = DEFAULT_ROUTING_PARAMS;
const utf8 = new TextEncoder();
const SEED_HELLO = JSON.stringify({ chainId: CHAIN, genesisHash: "ab".repeat(32), nodeId: "node-3" });
const SEED_FRAMES = [
  encodeFrame({ type: MsgType.Ping, nonce: 7 }, WIRE),
  encodeFrame({ type: MsgType.Pull, hash: fill(32, 9) }, WIRE),
  encodeFrame({ type: MsgType.Announce, height: 3, hops: 1, hash: fill(32, 8), size: 1_000 }, WIRE),
  encodeFrame({ type: MsgType.Direct, body: new Uint8Array([1, 2, 3]) }, WIRE),
];

export const TARGETS: readonly FuzzTarget[] = [
  canonical("block", [encodeBlock(SEED_BLOCK)], decodeBlock, encodeBlock, isProtocolError),
  canonical(
    "routing frame",
    SEED_FRAMES,
    (b) => decodeFrame(b, WIRE),
    (m) => encodeFrame(m, WIRE),
    (e) => e instanceof RoutingError,
  ),
  canonical(
    "transaction",
    SEED_TXS.map(encodeTransaction),
    decodeTransaction,
    encodeTransaction,
    isProtocolError,
  ),
  canonical(
    "consensus message",
    [
      encodeMessage({ type: MessageType.Transaction, tx: SEED_TXS[0]! }),
      encodeMessage({ type: MessageType.GetBlocks, fromHeight: 5, count: 3 }),
    ],
    decodeMessage,
    encodeMessage,
    isProtocolError,
  ),
  canonical("receipt", [encodeReceipt(receipt)], decodeReceipt, encodeReceipt, isProtocolError),
  canonical(
    "link hello",
    [
      encodeLinkHello({
        chainId: CHAIN,
        genesisHash: new Uint8Array(32),
        publicKey: new Uint8Array(48).fill(1),
        nonce: new Uint8Array(32).fill(2),
      }),
    ],
    decodeLinkHello,
    encodeLinkHello,
    (e) => e instanceof RoutingError,
  ),
  canonical(
    "contract module",
    [MINIMAL_WASM],
    (b) => compileContract(b),
    null,
    (e) => isProtocolError(e) || e instanceof WasmError,
  ),
  canonical("groth16 key", [new Uint8Array(64 * 2 + 128 * 3 + 4)], decodeGroth16Key, null, isProtocolError),
  canonical("groth16 proof", [new Uint8Array(256)], decodeGroth16Proof, null, isProtocolError),
  canonical("plonk key", [new Uint8Array(512)], decodePlonkKey, null, isProtocolError),
  canonical("plonk proof", [new Uint8Array(768)], decodePlonkProof, null, isProtocolError),
  {
    name: "json-rpc params",
    property: () =>
      fc.property(
        fc.constantFrom(...Object.keys(METHODS)),
        fc.jsonValue({ maxDepth: 4 }),
        (method, params) => {
          withinBounds("json-rpc params", JSON.stringify([method, params]), () => {
            METHODS[method]!.params.safeParse(params);
          });
        },
      ) as unknown as fc.IProperty<[unknown]>,
  },
  {
    name: "subscription message",
    property: () =>
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? ""),
        ),
        (text) => {
          withinBounds("subscription message", text, () => {
            parseClientMessage(text);
          });
        },
      ) as fc.IProperty<[unknown]>,
  },
  {
    // The JSON hello that opens every link (before the key proof of "link hello").
    name: "peer hello (json)",
    property: () =>
      fc.property(
        fc.oneof(
          mutated([utf8.encode(SEED_HELLO)]).map((b) => new TextDecoder().decode(b)),
          fc.string({ maxLength: 300 }),
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ""),
        ),
        (text) => {
          withinBounds("peer hello (json)", text, () => {
            const hello = parseHello(text);
            if (hello === null) return;
            if (![hello.chainId, hello.genesisHash, hello.nodeId].every((f) => typeof f === "string")) {
              throw new Error("peer hello: a parsed hello with a field that is not a string");
            }
          });
        },
      ) as fc.IProperty<[unknown]>,
  },
  {
    name: "keystore file",
    property: () =>
      fc.property(
        fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? ""),
        (text) => {
          withinBounds("keystore file", text, () => {
            try {
              parseKeystore(text);
            } catch (e) {
              if (!(e instanceof WalletError)) throw e;
            }
          });
        },
      ) as fc.IProperty<[unknown]>,
  },
];
