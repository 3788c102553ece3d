/**
 * Finality labels (../shared/DESIGN.md, "Finality labels"):
 * - Accepted: committed through a Valid ratification quorum.
 * - Attested: accepted, and its header proves every earlier iteration of its round failed with
 *   a quorum (so no lower-iteration sibling can also have a quorum). Iteration 0 is Attested.
 *   Beyond `relaxIterations` a header carries no more failure proofs: such blocks are Accepted.
 * - Confirmed: an Attested block with an Attested (or Confirmed) child; any block once followed
 *   by `rollingFinalityBlocks` consecutive Attested-or-stronger blocks (Dusk's rolling finality:
 *   every block on top samples more provisioners that accepted it; a competing sibling would
 *   have arrived).
 * - Final: Confirmed, and every block since the last Final one is Confirmed.
 * With honest timing a block is Final one block after it (about one block time).
 */

import type { BlockHeader } from "../../protocol/header.js";
import type { ConsensusParams } from "../../protocol/params.js";
import { Label } from "./ports.js";

/** The label a block starts with, from its header alone (the same on every node). */
export function labelOfHeader(h: BlockHeader, params: ConsensusParams): Label.Accepted | Label.Attested {
  if (h.iteration === 0) return Label.Attested;
  if (h.iteration > params.relaxIterations) return Label.Accepted;
  return h.failedIterations.length === h.iteration && h.failedIterations.every((a) => a !== null)
    ? Label.Attested
    : Label.Accepted;
}

/** Labels of blocks above the last final height, oldest first. */
export interface LabelWindow {
  readonly lastFinal: number;
  readonly labels: Label[];
}

export interface LabelChange {
  readonly height: number;
  readonly label: Label;
}

/**
 * Recomputes labels after a block was appended to `window` (its label already pushed).
 * Returns the changes and the new window; pure.
 */
export function advanceLabels(
  window: LabelWindow,
  rollingFinalityBlocks: number,
): { window: LabelWindow; changes: LabelChange[] } {
  const labels = window.labels.slice();
  const changes: LabelChange[] = [];
  const strong = (i: number) => labels[i] !== undefined && labels[i]! >= Label.Attested;
  // Newest first, so a block sees its child's upgrade in the same pass.
  for (let i = labels.length - 1; i >= 0; i--) {
    const l = labels[i]!;
    if (l >= Label.Confirmed) continue;
    // Fast path: an Attested block with an Attested (or stronger) child.
    let confirmed = l === Label.Attested && strong(i + 1);
    // Rolling finality: `rollingFinalityBlocks` consecutive strong blocks confirm everything
    // before them, Accepted or Attested.
    if (!confirmed) {
      confirmed = true;
      for (let k = 1; k <= rollingFinalityBlocks; k++) if (!strong(i + k)) confirmed = false;
    }
    if (confirmed) {
      labels[i] = Label.Confirmed;
      changes.push({ height: window.lastFinal + 1 + i, label: Label.Confirmed });
    }
  }
  let lastFinal = window.lastFinal;
  let drop = 0;
  while (drop < labels.length && labels[drop] === Label.Confirmed) {
    lastFinal += 1;
    changes.push({ height: lastFinal, label: Label.Final });
    drop += 1;
  }
  // A height may appear twice (Confirmed then Final); the last change wins.
  return { window: { lastFinal, labels: labels.slice(drop) }, changes };
}
