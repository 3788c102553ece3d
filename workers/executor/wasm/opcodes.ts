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
