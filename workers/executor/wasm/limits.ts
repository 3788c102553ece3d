/**
 * Bounds on everything an untrusted module or call can make the VM allocate or do (TIGER_STYLE:
 * a limit on everything). Defaults suit contracts; the spec runner widens a few.
 */

export interface VmLimits {
  /** Size of a module's bytes. */
  moduleBytesMax: number;
  /** Items in any one section vector (types, imports, exports, globals, segments, ...). */
  sectionItemsMax: number;
  /** Functions (imported + defined). */
  functionsMax: number;
  /** Locals of one function, parameters included. */
  localsMax: number;
  /** Nesting of block / loop / if in one function body. */
  nestingDepthMax: number;
  /** Bytes of one function body. */
  bodyBytesMax: number;
  /** Memory pages (64 KiB) at instantiation and through memory.grow (grow beyond returns -1). */
  memoryPagesMax: number;
  /** Elements of a table at instantiation and through table.grow (grow beyond returns -1). */
  tableSizeMax: number;
  /** Frames on the call stack. */
  callDepthMax: number;
  /** Value-stack slots (locals plus operands of all frames). */
  valueStackMax: number;
}

export const DEFAULT_LIMITS: VmLimits = {
  moduleBytesMax: 1 << 20,
  sectionItemsMax: 100_000,
  functionsMax: 10_000,
  localsMax: 50_000,
  nestingDepthMax: 1024,
  bodyBytesMax: 1 << 20,
  memoryPagesMax: 256,
  tableSizeMax: 100_000,
  callDepthMax: 1024,
  valueStackMax: 1 << 20,
};
