import { describe, expect, it } from "vitest";
import { advanceLabels, type LabelWindow } from "../../workers/consensus/finality.js";
import { Label } from "../../workers/consensus/ports.js";

const ROLLING = 2;

function append(w: LabelWindow, label: Label) {
  return advanceLabels({ ...w, labels: [...w.labels, label] }, ROLLING);
}

describe("finality labels", () => {
  it("finalizes an Attested block once its child is Attested", () => {
    let w: LabelWindow = { lastFinal: 0, labels: [] };
    ({ window: w } = append(w, Label.Attested));
    expect(w).toEqual({ lastFinal: 0, labels: [Label.Attested] });
    const r = append(w, Label.Attested);
    expect(r.window).toEqual({ lastFinal: 1, labels: [Label.Attested] });
    expect(r.changes).toEqual([
      { height: 1, label: Label.Confirmed },
      { height: 1, label: Label.Final },
    ]);
  });

  it("needs two Attested successors for an Accepted block, and holds later blocks until then", () => {
    let w: LabelWindow = { lastFinal: 4, labels: [] };
    ({ window: w } = append(w, Label.Accepted)); // 5
    ({ window: w } = append(w, Label.Attested)); // 6
    expect(w.lastFinal).toBe(4);
    const r = append(w, Label.Attested); // 7: confirms 5 (two Attested after it) and 6
    expect(r.window.lastFinal).toBe(6);
    expect(r.window.labels).toEqual([Label.Attested]);
  });

  it("does not confirm across an Accepted child", () => {
    let w: LabelWindow = { lastFinal: 0, labels: [] };
    ({ window: w } = append(w, Label.Attested)); // 1
    const r = append(w, Label.Accepted); // 2
    expect(r.window.lastFinal).toBe(0);
    expect(r.changes).toEqual([]);
  });
});

describe("rolling finality", () => {
  it("confirms an Attested block whose Accepted child is confirmed later by rolling finality", () => {
    let w: LabelWindow = { lastFinal: 1, labels: [] };
    ({ window: w } = append(w, Label.Attested)); // 2
    ({ window: w } = append(w, Label.Accepted)); // 3
    ({ window: w } = append(w, Label.Attested)); // 4
    expect(w.lastFinal).toBe(1);
    const r = append(w, Label.Attested); // 5: two Attested after 3 (ROLLING = 2) confirm 3, then 2
    expect(r.window.lastFinal).toBe(4);
    expect(r.window.labels).toEqual([Label.Attested]);
  });
});
