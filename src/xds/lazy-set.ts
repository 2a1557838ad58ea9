// A set of names that allocates its storage on first add and drops it when emptied. A stream keeps
// several such sets per type (forced, implicit, pending removal, reported missing) that are empty
// nearly all the time; an empty Set costs about 160 bytes of heap, this object about 40.

const NONE: ReadonlySet<string> = new Set();

/** What readers of a LazySet (or a Set) may do with it. */
export interface ReadonlyNames extends Iterable<string> {
  readonly size: number;
  has(name: string): boolean;
}

export class LazySet implements ReadonlyNames {
  private items: Set<string> | undefined;

  get size(): number {
    return this.items?.size ?? 0;
  }

  has(name: string): boolean {
    return this.items !== undefined && this.items.has(name);
  }

  add(name: string): this {
    (this.items ??= new Set()).add(name);
    return this;
  }

  delete(name: string): boolean {
    if (this.items === undefined || !this.items.delete(name)) return false;
    if (this.items.size === 0) this.items = undefined;
    return true;
  }

  clear(): void {
    this.items = undefined;
  }

  [Symbol.iterator](): Iterator<string> {
    return (this.items ?? NONE)[Symbol.iterator]();
  }
}
