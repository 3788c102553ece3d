// The fuzz targets of test/fuzz/targets.ts, a short seeded campaign in every `npm test` (the long
// one is `npm run fuzz -- --cases N`). Every target must hold for all its cases.
import fc from "fast-check";
import { describe, it } from "vitest";
import { TARGETS } from "../fuzz/targets.js";

const CASES = 500;
const SEED = 20261129;

describe("fuzz targets (short campaign)", () => {
  for (const t of TARGETS) {
    it(`${t.name}: ${CASES} cases`, () => {
      fc.assert(t.property(), { numRuns: CASES, seed: SEED });
    });
  }
});
