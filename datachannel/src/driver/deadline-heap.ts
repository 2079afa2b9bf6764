/**
 * A binary min-heap of (deadline, entry) with lazy invalidation: each entry remembers the
 * deadline it is scheduled at; stale heap nodes are skipped when popped. One timer then serves
 * thousands of connections at O(log n) per reschedule.
 */
export interface Scheduled {
  /** the deadline this entry is currently scheduled at (undefined = not scheduled) */
  scheduledAt: number | undefined;
}

export class DeadlineHeap<T extends Scheduled> {
  private times: number[] = [];
  private items: T[] = [];
  /** entries currently scheduled (the heap may hold more nodes: stale ones) */
  private live = 0;

  /** Heap nodes, stale ones included. */
  get size(): number {
    return this.items.length;
  }

  /** Entries currently scheduled. */
  get scheduled(): number {
    return this.live;
  }

  /** (Re)schedule `item` at `deadline`, or unschedule it with undefined. */
  schedule(item: T, deadline: number | undefined): void {
    if (item.scheduledAt === deadline) return;
    if (item.scheduledAt === undefined) this.live++;
    else if (deadline === undefined) this.live--;
    item.scheduledAt = deadline;
    if (deadline !== undefined) {
      this.push(deadline, item);
      // deadlines that move on every packet leave stale nodes behind: rebuild when they dominate
      if (this.items.length > 64 && this.items.length > 4 * this.live) this.compact();
    }
  }

  /** Drop stale nodes and rebuild the heap from the live entries. */
  private compact(): void {
    const seen = new Set<T>();
    const times = this.times;
    const items = this.items;
    this.times = [];
    this.items = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item.scheduledAt !== times[i] || seen.has(item)) continue;
      seen.add(item);
      this.push(times[i], item);
    }
  }

  /** Earliest live deadline, dropping stale nodes. */
  peek(): number | undefined {
    while (this.items.length > 0) {
      if (this.items[0].scheduledAt === this.times[0]) return this.times[0];
      this.pop();
    }
    return undefined;
  }

  /** Remove and return the earliest live entry whose deadline is ≤ now. */
  popDue(now: number): T | undefined {
    const t = this.peek();
    if (t === undefined || t > now) return undefined;
    const item = this.items[0];
    this.pop();
    item.scheduledAt = undefined;
    this.live--;
    return item;
  }

  private push(time: number, item: T): void {
    const times = this.times;
    const items = this.items;
    let i = items.length;
    times.push(time);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent] <= time) break;
      times[i] = times[parent];
      items[i] = items[parent];
      i = parent;
    }
    times[i] = time;
    items[i] = item;
  }

  private pop(): void {
    const times = this.times;
    const items = this.items;
    const lastTime = times.pop()!;
    const lastItem = items.pop()!;
    const n = items.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && times[r] < times[l] ? r : l;
      if (times[c] >= lastTime) break;
      times[i] = times[c];
      items[i] = items[c];
      i = c;
    }
    times[i] = lastTime;
    items[i] = lastItem;
  }
}
