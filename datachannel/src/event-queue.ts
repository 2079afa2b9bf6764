/**
 * A FIFO of engine events that does not shift arrays: a head index walks the array, which is
 * emptied once drained (the poll-queue output of CONVENTIONS.md).
 */
export class EventQueue<T> {
  private items: T[] = [];
  private head = 0;

  push(item: T): void {
    this.items.push(item);
  }

  poll(): T | undefined {
    if (this.head >= this.items.length) {
      if (this.head > 0) {
        this.items.length = 0;
        this.head = 0;
      }
      return undefined;
    }
    return this.items[this.head++];
  }
}
