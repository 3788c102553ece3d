/**
 * Internal opcodes of compiled functions. Plain WebAssembly opcodes keep their byte value
 * (0x00-0xd2); 0xfc-prefixed ones are 0x100 + the sub-opcode; control flow gets resolved forms.
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
export const OP_JMP = 0x200;
export const OP_GAS = 0x201;
export const PREFIX_FC = 0x100;
