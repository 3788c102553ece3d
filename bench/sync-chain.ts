/**
 * Deterministic chain generator for the sync benchmark and tests (issue 11): one provisioner
 * runs the real node (consensus, execution, attestations) alone on a stopped clock, with its
 * BLS signatures made and checked by native blst (@chainsafe/blst, Node only, a dev dependency)
 * instead of noble: signing is what makes a 10,000-block chain slow, not what is measured. blst
 * and noble produce the same bytes (BLS signatures are deterministic and both use the POP
 * ciphersuite's DST), so the syncing node verifies this chain with noble like any other.
 *
 *   const chain = await generateChain({ blocks: 100 });   // chain.blocks[0] is height 1
 */

import { verify as blstVerify, PublicKey, SecretKey, Signature } from "@chainsafe/blst";
import type { Attestation } from "../protocol/attestation.js";
import type { Block } from "../protocol/block.js";
import { NobleSignatureVerifier } from "../protocol/ed25519.js";
import type { Genesis } from "../protocol/genesis.js";
import { devProvisionerKey } from "../protocol/keys.js";
import { MemoryChainStore } from "../workers/consensus/memory-chain-store.js";
import { openNode } from "../workers/consensus/node.js";
import { StoppedClock } from "../workers/consensus/ports.js";
import type { VoteCrypto } from "../workers/consensus/vote-crypto.js";
import { SYNC_GENESIS_MS, SYNC_SEED, syncGenesis } from "./sync-fixture.js";

export { SYNC_GENESIS_MS } from "./sync-fixture.js";

/** Provisioner signatures by native blst (Node only). */
export class BlstVoteCrypto implements VoteCrypto {
  private readonly keys = new Map<string, PublicKey>();
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
    return SecretKey.fromBytes(secretKey).sign(message).toBytes(true);
  }
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    try {
      return blstVerify(message, this.key(publicKey), Signature.fromBytes(signature, true), false, true);
    } catch {
      return false;
    }
  }
  verifySameMessage(keys: readonly Uint8Array[], message: Uint8Array, sigs: readonly Uint8Array[]): boolean {
    return keys.length === sigs.length && keys.every((k, i) => this.verify(k, message, sigs[i]!));
  }
  aggregate(signatures: readonly Uint8Array[]): Uint8Array {
    if (signatures.length === 1) return signatures[0]!;
    throw new Error("BlstVoteCrypto: aggregation is not needed with one provisioner");
  }
  verifyAggregate(keys: readonly Uint8Array[], message: Uint8Array, aggregate: Uint8Array): boolean {
    return keys.length === 1 && this.verify(keys[0]!, message, aggregate);
  }
  checkPublicKey(publicKey: Uint8Array): void {
    this.key(publicKey);
  }
  private key(bytes: Uint8Array): PublicKey {
    const hex = Buffer.from(bytes).toString("hex");
    let k = this.keys.get(hex);
    if (k === undefined) {
      k = PublicKey.fromBytes(bytes, true);
      this.keys.set(hex, k);
    }
    return k;
  }
}

export interface GeneratedChain {
  readonly genesis: Genesis;
  /** Heights 1..n. */
  readonly blocks: Block[];
  /** The attestation of the last block (carried by the next block, which is not included). */
  readonly tipAttestation: Attestation;
}

/** A chain of `blocks` empty blocks above the sync genesis, by its only provisioner. */
export async function generateChain(options: { blocks: number }): Promise<GeneratedChain> {
  const genesis = syncGenesis();
  const clock = new StoppedClock(SYNC_GENESIS_MS);
  const node = await openNode(
    { genesis, provisionerKey: devProvisionerKey(SYNC_SEED, 0) },
    {
      clock,
      store: new MemoryChainStore(),
      transport: { broadcast: () => {}, send: () => {}, peers: () => [] },
      txVerifier: new NobleSignatureVerifier(),
      voteCrypto: new BlstVoteCrypto(),
    },
  );
  const want = options.blocks + 1;
  while (node.status().height < want) {
    const wake = node.nextWakeMs();
    if (wake === null) throw new Error(`generator stalled at height ${node.status().height}`);
    if (wake > clock.now()) clock.set(wake);
    await node.onTimer();
  }
  const blocks: Block[] = [];
  for (let h = 1; h <= want; h++) {
    const view = node.blockByHeight(h);
    if (view === undefined) throw new Error(`generator lost block ${h}`);
    blocks.push(view.block);
  }
  const next = blocks.pop()!;
  const tipAttestation = next.header.prevAttestation;
  if (tipAttestation === null) throw new Error("generator: block above the tip carries no attestation");
  return { genesis, blocks, tipAttestation };
}
