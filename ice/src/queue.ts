// A FIFO for the engine's poll outputs (transmits, events): push, then shift until empty; the
// backing array is reused once drained, so steady state does not allocate.
export class PollQueue<T> {
  private readonly items: T[] = [];
  private head = 0;

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) {
      if (this.head > 0) {
        this.items.length = 0;
        this.head = 0;
      }
      return undefined;
    }
    return this.items[this.head++];
  }

  get length(): number {
    return this.items.length - this.head;
  }
}
