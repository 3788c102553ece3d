/**
 * A fuzz case that never returns, under a watchdog with a 1 s CPU limit: the watchdog must name
 * the target and the input and kill the process (test/unit/hostile-length-claims.test.ts).
 */

import { withinBounds } from "./bounds.js";
import { startWatchdog } from "./watchdog.js";

const watchdog = startWatchdog(1);
watchdog.setTarget("hang probe");
for (let i = 0; i < 3; i++) withinBounds("hang probe", new Uint8Array([1, 2, 3]), () => {});
withinBounds("hang probe", new Uint8Array([0xde, 0xad, 0xbe, 0xef]), () => {
  for (;;) {
    // a decoder stuck in a loop
  }
});
