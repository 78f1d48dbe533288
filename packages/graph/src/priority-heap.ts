/**
 * A binary max-heap of node indices ordered by a priority array (higher first), ties broken by
 * the lower index (insertion order). Indexed: `update(i)` re-sifts an entry whose priority
 * changed, `remove(i)` takes out any entry; every operation is O(log n).
 */
export class PriorityHeap {
  private heap: Int32Array;
  private length = 0;
  /** Position of each index in `heap`, -1 when absent. */
  private pos: Int32Array;

  constructor(
    private priority: ArrayLike<number>,
    capacity = 16,
  ) {
    this.heap = new Int32Array(Math.max(capacity, 1));
    this.pos = new Int32Array(Math.max(capacity, 1)).fill(-1);
  }

  get size(): number {
    return this.length;
  }

  /** Points the heap at a new priority array (after the owner grew it) and makes room for `capacity` indices. */
  reset(priority: ArrayLike<number>, capacity: number): void {
    this.priority = priority;
    if (capacity > this.pos.length) {
      const pos = new Int32Array(capacity).fill(-1);
      pos.set(this.pos);
      this.pos = pos;
      const heap = new Int32Array(capacity);
      heap.set(this.heap);
      this.heap = heap;
    }
  }

  has(i: number): boolean {
    return i < this.pos.length && this.pos[i]! >= 0;
  }

  peek(): number | undefined {
    return this.length > 0 ? this.heap[0] : undefined;
  }

  push(i: number): void {
    if (i >= this.pos.length || this.length >= this.heap.length) this.reset(this.priority, Math.max(2 * this.pos.length, i + 1));
    this.heap[this.length] = i;
    this.pos[i] = this.length;
    this.length++;
    this.siftUp(this.length - 1);
  }

  pop(): number | undefined {
    if (this.length === 0) return undefined;
    const heap = this.heap;
    const top = heap[0]!;
    this.pos[top] = -1;
    const last = heap[--this.length]!;
    if (this.length > 0) {
      heap[0] = last;
      this.pos[last] = 0;
      this.siftDown(0);
    }
    return top;
  }

  remove(i: number): void {
    if (!this.has(i)) return;
    const p = this.pos[i]!;
    this.pos[i] = -1;
    const last = this.heap[--this.length]!;
    if (p < this.length) {
      this.heap[p] = last;
      this.pos[last] = p;
      this.siftUp(p);
      this.siftDown(this.pos[last]!);
    }
  }

  /** Restores order after the priority of `i` changed. */
  update(i: number): void {
    if (!this.has(i)) return;
    this.siftUp(this.pos[i]!);
    this.siftDown(this.pos[i]!);
  }

  private siftUp(p: number): void {
    // Order: higher priority first, then the lower index. Written out in both sift loops (no
    // helper call): this is the queue's hot path, and much of it runs before the JIT has warmed up.
    const heap = this.heap;
    const pos = this.pos;
    const priority = this.priority;
    const item = heap[p]!;
    const pi = priority[item]!;
    while (p > 0) {
      const parentPos = (p - 1) >> 1;
      const parent = heap[parentPos]!;
      const pp = priority[parent]!;
      if (!(pi > pp || (pi === pp && item < parent))) break;
      heap[p] = parent;
      pos[parent] = p;
      p = parentPos;
    }
    heap[p] = item;
    pos[item] = p;
  }

  private siftDown(p: number): void {
    const heap = this.heap;
    const pos = this.pos;
    const priority = this.priority;
    const n = this.length;
    const item = heap[p]!;
    const pi = priority[item]!;
    for (;;) {
      let child = 2 * p + 1;
      if (child >= n) break;
      let c = heap[child]!;
      let pc = priority[c]!;
      const right = child + 1;
      if (right < n) {
        const r = heap[right]!;
        const pr = priority[r]!;
        if (pr > pc || (pr === pc && r < c)) {
          child = right;
          c = r;
          pc = pr;
        }
      }
      if (!(pc > pi || (pc === pi && c < item))) break;
      heap[p] = c;
      pos[c] = p;
      p = child;
    }
    heap[p] = item;
    pos[item] = p;
  }
}
