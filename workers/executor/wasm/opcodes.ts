/**
 * Internal opcodes of compiled functions. Plain WebAssembly opcodes keep their byte value
 * (0x00-0xd2); 0xfc-prefixed ones are 0xe0 + the sub-opcode (0xe0-0xf1, unused by 2.0); control
 * flow gets resolved forms; all internal opcodes stay below 0x100 so the dispatch switch is dense.
 * Operands live in two stacks: i32 and f32 (bits) in an Int32Array, i64, f64 and references in a
 * JS array; local/global/select have a second form (`_O`) for the second stack.
 *
 * Layout in the code array (Int32Array), immediates after the opcode:
 *   IF elsePc | JMP pc | BR pc arity height | BR_IF pc arity height
 *   BR_TABLE n arity (pc height) x (n+1) | RETURN | CALL func | CALL_INDIRECT type table
 *   GAS cost   (charged when a basic block starts)
 *   local.*, global.*, table.get/set idx | loads/stores offset | i32.const v | f32.const bits
 *   i64.const / f64.const constIndex | ref.func idx | prefixed ops: their indices
 * `height` is the operand height a branch leaves below its carried values, counted from the
 * frame's base (locals included).
 */
export const OP_IF = 0x04;
export const OP_BR = 0x0c;
export const OP_BR_IF = 0x0d;
export const OP_BR_TABLE = 0x0e;
export const OP_RETURN = 0x0f;
export const OP_CALL = 0x10;
export const OP_CALL_INDIRECT = 0x11;
export const OP_JMP = 0x06;
export const OP_GAS = 0x07;
export const OP_LOCAL_GET_O = 0x12;
export const OP_LOCAL_SET_O = 0x13;
export const OP_LOCAL_TEE_O = 0x14;
export const OP_GLOBAL_GET_O = 0x15;
export const OP_GLOBAL_SET_O = 0x16;
export const OP_SELECT_O = 0x17;
export const PREFIX_FC = 0xe0;

// Fused instructions (superinstructions), formed by the compiler only between two instructions
// with nothing in between (no branch target: every target starts with OP_GAS). Gas is charged for
// the original instructions, so fusion never changes gas used.
/** local.get a; local.get b  ->  LGET2 a b */
export const OP_LGET2 = 0xdc;
/** local.get x; i32.load off  ->  LLOAD_I32 x off */
export const OP_LLOAD_I32 = 0xdd;
/** i32.eqz; br_if  ->  BR_UNLESS pc arity height */
export const OP_BR_UNLESS = 0xde;
/** i32.const c; <i32 binop>  ->  <binop>K c (sub becomes add of -c, rotl becomes rotr). */
export const FUSE_CONST: Record<number, number> = {
  106: 0xc5, // add
  107: 0xc5, // sub -> add -c
  108: 0xc6, // mul
  113: 0xc7, // and
  114: 0xc8, // or
  115: 0xc9, // xor
  116: 0xca, // shl
  117: 0xcb, // shr_s
  118: 0xcc, // shr_u
  119: 0xcd, // rotl -> rotr (32 - c)
  120: 0xcd, // rotr
  70: 0xce, // eq
  71: 0xcf, // ne
  72: 0xd3, // lt_s
  73: 0xd4, // lt_u
  74: 0xd5, // gt_s
  75: 0xd6, // gt_u
  76: 0xd7, // le_s
  77: 0xd8, // le_u
  78: 0xd9, // ge_s
  79: 0xda, // ge_u
};
/** local.get x; <i32 binop>  ->  <binop>L x (the right operand read from the local). */
export const FUSE_LOCAL: Record<number, number> = {
  106: 0x18, // add
  107: 0x19, // sub
  108: 0x1d, // mul
  113: 0x1e, // and
  114: 0x1f, // or
  115: 0x27, // xor
};
/** local.get x; i32.const c; <K op>  ->  push (local x) op c, keyed by the K opcode. */
export const FUSE_LOCAL_CONST: Record<number, number> = {
  205: 0xdf, // rotr
  202: 0xf2, // shl
  197: 0xf3, // add (and sub)
};
/** <i32 binop>; local.set x  ->  <binop>_SET x */
export const FUSE_SET: Record<number, number> = {
  106: 0xf4, // add
  107: 0xf5, // sub
  108: 0xf6, // mul
  113: 0xf7, // and
  114: 0xf8, // or
  115: 0xf9, // xor
};
/** local.get x; i32.const c; i32.add; local.set y  ->  LOCAL_ADDK_SET x c y */
export const OP_LOCAL_ADDK_SET = 0xfa;
/** local.get x; i32.const k; i32.shl; i32.load off  ->  LOAD_LSHL x k off */
export const OP_LOAD_LSHL = 0xfb;
