/**
 * Finality labels (../shared/DESIGN.md, "Finality labels"):
 * - Accepted: committed through a Valid ratification quorum.
 * - Attested: accepted, and every earlier iteration of its round is known to have failed with a
 *   quorum (so no other candidate of that round can also have a quorum). Iteration 0 is Attested.
 * - Confirmed: an Attested block with an Attested child; an Accepted block once followed by two
 *   consecutive Attested blocks (a competing branch would need quorums it cannot get).
 * - Final: Confirmed, and every block since the last Final one is Confirmed.
 * With honest timing a block is Final one block after it (about one block time).
 */

import { Label } from "./ports.js";

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
export function advanceLabels(window: LabelWindow): { window: LabelWindow; changes: LabelChange[] } {
  const labels = window.labels.slice();
  const changes: LabelChange[] = [];
  const strong = (i: number) => labels[i] !== undefined && labels[i]! >= Label.Attested;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l >= Label.Confirmed) continue;
    const confirmed =
      (l === Label.Attested && strong(i + 1)) || (l === Label.Accepted && strong(i + 1) && strong(i + 2));
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
