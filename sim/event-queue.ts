/**
 * The simulator's agenda: events ordered by virtual time, ties broken by insertion order (a
 * sequence number), so two runs of one seed pop events in exactly the same order. Binary heap;
 * bounded: pushing past `limit` throws, a runaway schedule is a simulator bug.
 */

interface Entry<T> {
  readonly atMs: number;
  readonly seq: number;
  readonly event: T;
}

export class EventQueue<T> {
  private readonly heap: Entry<T>[] = [];
  private seq = 0;
  /** Largest size seen (reported by the bounded-memory check). */
  peak = 0;

  constructor(readonly limit: number) {}

  get size(): number {
    return this.heap.length;
  }

  push(atMs: number, event: T): void {
    if (this.heap.length >= this.limit) throw new Error(`event queue over its limit of ${this.limit}`);
    const heap = this.heap;
    heap.push({ atMs, seq: this.seq++, event });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
    if (heap.length > this.peak) this.peak = heap.length;
  }

  /** Time of the earliest event, or null when empty. */
  peekMs(): number | null {
    return this.heap[0]?.atMs ?? null;
  }

  pop(): { atMs: number; event: T } | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return { atMs: top.atMs, event: top.event };
  }
}

function before<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}
