/**
 * Shielded proofs of a block checked ahead of execution by a proof service (issue 6, part 2):
 * in a Worker the `ProofVerifier` entrypoint over the VERIFIER service binding (durable/node-do.ts),
 * where a block's proofs run in their own invocation, with the Groth16 ones of one key combined
 * into one check. Block execution stays synchronous and pure: it asks the `ZkHost` this module
 * builds, which answers "valid" for a proof the service already accepted and verifies anything
 * else inline. So the service can only save work: a proof it refused, could not check or never
 * saw is verified by the executor itself and fails there with its own code.
 */

import { concatBytes, toHex } from "../../protocol/bytes.js";
import { hash } from "../../protocol/hash.js";
import type { ExecutionParams } from "../../protocol/params.js";
import type { Transaction } from "../../protocol/transaction.js";
import type { ZkHost } from "../executor/contracts/frame.js";
import { ZK_HOST } from "../executor/contracts/zk-host.js";
import { shieldedProofItem } from "../executor/shielded.js";
import { verifyGroth16Binary } from "../verifier/zk/index.js";

export interface ProofItem {
  readonly vk: Uint8Array;
  readonly proof: Uint8Array;
  readonly inputs: Uint8Array;
}

/** What a NodeDO hands a block's proofs to: one verdict per item, `true` only for a valid one. */
export interface ProofService {
  verifyGroth16Batch(items: readonly ProofItem[]): Promise<readonly boolean[]>;
}

/** Proofs accepted by the service and not yet used by execution; bounded. */
export class PreverifiedProofs {
  private readonly accepted = new Set<string>();

  constructor(private readonly max = 4_096) {}

  get size(): number {
    return this.accepted.size;
  }

  private static id(item: ProofItem): string {
    return toHex(hash(concatBytes(hash(item.vk), hash(item.proof), hash(item.inputs))));
  }

  /** Sends the block's shielded proofs to `service`; keeps the ones it accepts. Returns how many. */
  async prepare(
    service: ProofService,
    txs: readonly Transaction[],
    chainId: string,
    params: ExecutionParams,
  ): Promise<number> {
    const items = txs.flatMap((tx) => {
      const item = shieldedProofItem(tx, chainId, params);
      return item === null ? [] : [item];
    });
    if (items.length === 0) return 0;
    let verdicts: readonly boolean[];
    try {
      verdicts = await service.verifyGroth16Batch(items);
    } catch {
      return 0; // the service is an accelerator: without it, execution verifies inline
    }
    let kept = 0;
    items.forEach((item, i) => {
      if (verdicts[i] !== true) return;
      if (this.accepted.size >= this.max) this.accepted.delete(this.accepted.keys().next().value!);
      this.accepted.add(PreverifiedProofs.id(item));
      kept++;
    });
    return kept;
  }

  /** A ZkHost whose Groth16 check takes a preverified proof (once) and verifies the rest inline. */
  zkHost(): ZkHost {
    return {
      ...ZK_HOST,
      verifyGroth16: (vk, proof, inputs) => {
        const item = { vk, proof, inputs };
        const id = PreverifiedProofs.id(item);
        // The id hashes key, proof and inputs: a hit is this exact check, accepted once.
        if (this.accepted.delete(id)) return true;
        return verifyGroth16Binary(vk, proof, inputs);
      },
    };
  }
}
