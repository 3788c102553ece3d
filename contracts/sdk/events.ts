/** Events: a topic (at most 64 bytes of UTF-8) and data (at most 4 KiB), 64 per transaction. */

import * as dusk from "./dusk";
import { utf8 } from "./env";

export function emit(topic: string, data: Uint8Array): void {
  const t = utf8(topic);
  dusk.emit(t.dataStart, t.length, data.dataStart, data.length);
}
