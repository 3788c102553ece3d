/**
 * Gas cost table (docs/VM.md). Static costs are summed per basic block at compile time and
 * charged when the block is entered; dynamic costs (bytes touched by bulk memory and table ops,
 * pages grown) are charged by the instruction before it acts.
 */

/** Cost of one instruction, by internal opcode. */
export function instructionGas(op: number): number {
  if (op === 0x10) return 5; // call: frame setup
  if (op === 0x11) return 8; // call_indirect: table lookup and signature check
  if (op >= 0x28 && op <= 0x3e) return 2; // loads and stores: bounds check
  if (op === 0x40) return 50; // memory.grow, plus GAS_PER_PAGE
  if (op === 0x6d || op === 0x6e || op === 0x6f || op === 0x70) return 3; // i32 div/rem
  if (op === 0x7f || op === 0x80 || op === 0x81 || op === 0x82) return 6; // i64 div/rem (BigInt)
  if (op >= 0x79 && op <= 0x8a) return 2; // other i64 ops (BigInt)
  if (op === 0x91 || op === 0x9f) return 3; // sqrt
  if (op >= 0xe8 && op <= 0xf1) return 5; // bulk memory / table ops, plus GAS_PER_BYTE
  return 1;
}

/** Per 64 KiB page added by memory.grow. */
export const GAS_PER_PAGE = 1024;
/** Per byte written or copied by memory.init / copy / fill, per element by table ops. */
export const GAS_PER_BYTE = 1;
/** Per element added by table.grow. */
export const GAS_PER_TABLE_ELEM = 4;
