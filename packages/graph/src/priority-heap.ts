/**
 * A binary max-heap of node indices ordered by a priority array (higher first), ties broken by
 * the lower index (insertion order). Indexed: `update(i)` re-sifts an entry whose priority
 * changed, `remove(i)` takes out any entry; every operation is O(log n).
 */
export class PriorityHeap {
  private readonly heap: number[] = [];
  /** Position of each index in `heap`, -1 when absent. */
  private readonly pos: number[] = [];

  constructor(private readonly priority: readonly number[]) {}

  get size(): number {
    return this.heap.length;
  }

  has(i: number): boolean {
    return (this.pos[i] ?? -1) >= 0;
  }

  peek(): number | undefined {
    return this.heap[0];
  }

  push(i: number): void {
    this.heap.push(i);
    this.pos[i] = this.heap.length - 1;
    this.siftUp(this.heap.length - 1);
  }

  pop(): number | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    this.pos[top] = -1;
    if (heap.length > 0) {
      heap[0] = last;
      this.pos[last] = 0;
      this.siftDown(0);
    }
    return top;
  }

  remove(i: number): void {
    const p = this.pos[i] ?? -1;
    if (p < 0) return;
    const heap = this.heap;
    const last = heap.pop()!;
    this.pos[i] = -1;
    if (p < heap.length) {
      heap[p] = last;
      this.pos[last] = p;
      this.siftUp(p);
      this.siftDown(this.pos[last]!);
    }
  }

  /** Restores order after the priority of `i` changed. */
  update(i: number): void {
    const p = this.pos[i] ?? -1;
    if (p < 0) return;
    this.siftUp(p);
    this.siftDown(this.pos[i]!);
  }

  private before(a: number, b: number): boolean {
    const pa = this.priority[a]!;
    const pb = this.priority[b]!;
    return pa > pb || (pa === pb && a < b);
  }

  private siftUp(p: number): void {
    const heap = this.heap;
    const item = heap[p]!;
    while (p > 0) {
      const parentPos = (p - 1) >> 1;
      const parent = heap[parentPos]!;
      if (!this.before(item, parent)) break;
      heap[p] = parent;
      this.pos[parent] = p;
      p = parentPos;
    }
    heap[p] = item;
    this.pos[item] = p;
  }

  private siftDown(p: number): void {
    const heap = this.heap;
    const n = heap.length;
    const item = heap[p]!;
    for (;;) {
      let child = 2 * p + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && this.before(heap[right]!, heap[child]!)) child = right;
      const c = heap[child]!;
      if (!this.before(c, item)) break;
      heap[p] = c;
      this.pos[c] = p;
      p = child;
    }
    heap[p] = item;
    this.pos[item] = p;
  }
}
