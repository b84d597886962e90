/** A binary min-heap of (due time, host index): the one timer of a simulation sleeps until its head. */
export class DueQueue {
  private due: number[] = [];
  private host: number[] = [];

  get size(): number {
    return this.due.length;
  }

  push(dueAt: number, host: number): void {
    this.due.push(dueAt);
    this.host.push(host);
    this.up(this.due.length - 1);
  }

  /** Due time of the earliest entry, or undefined when empty. */
  peekDue(): number | undefined {
    return this.due[0];
  }

  pop(): { dueAt: number; host: number } | undefined {
    const n = this.due.length;
    if (n === 0) return undefined;
    const top = { dueAt: this.due[0]!, host: this.host[0]! };
    const lastDue = this.due.pop()!;
    const lastHost = this.host.pop()!;
    if (n > 1) {
      this.due[0] = lastDue;
      this.host[0] = lastHost;
      this.down(0);
    }
    return top;
  }

  private swap(i: number, j: number): void {
    const d = this.due[i]!;
    this.due[i] = this.due[j]!;
    this.due[j] = d;
    const h = this.host[i]!;
    this.host[i] = this.host[j]!;
    this.host[j] = h;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.due[parent]! <= this.due[i]!) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.due.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < n && this.due[l]! < this.due[min]!) min = l;
      if (r < n && this.due[r]! < this.due[min]!) min = r;
      if (min === i) return;
      this.swap(i, min);
      i = min;
    }
  }
}
