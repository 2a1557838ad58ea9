// What a client holds of one type, name → version, stored as "a snapshot's whole set" plus the
// differences from it. After an initial sync a stream holds exactly the resources of one type view;
// this book then keeps a reference to that view's map (shared by every stream in sync with it) and
// nothing per resource, so a stream's memory does not grow with its Gateway's config.
import type { EncodedResource } from './encoded-resource.ts';

/** How readers see a SentBook (or any map of name → version). */
export interface ReadonlySent {
  readonly size: number;
  get(name: string): string | undefined;
  has(name: string): boolean;
  keys(): Iterable<string>;
}

export class SentBook implements ReadonlySent {
  /** A type view's resources, shared and never changed; undefined: the book starts empty. */
  private readonly base: ReadonlyMap<string, EncodedResource> | undefined;
  /** Differences from `base`: a name's version, or undefined where the base has it and the client does not. */
  private diff: Map<string, string | undefined> | undefined;
  private count: number;

  constructor(base?: ReadonlyMap<string, EncodedResource>) {
    this.base = base;
    this.count = base?.size ?? 0;
  }

  get size(): number {
    return this.count;
  }

  /** The view's resources when the client holds exactly them, else undefined. */
  get whole(): ReadonlyMap<string, EncodedResource> | undefined {
    return this.diff === undefined ? this.base : undefined;
  }

  get(name: string): string | undefined {
    if (this.diff?.has(name)) return this.diff.get(name);
    return this.base?.get(name)?.version;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Records a version (undefined: the client no longer holds the name). */
  set(name: string, version: string | undefined): void {
    const before = this.get(name);
    if (before === version) return;
    if (before === undefined) this.count++;
    else if (version === undefined) this.count--;
    if (this.base?.get(name)?.version === version) {
      if (this.diff?.delete(name) && this.diff.size === 0) this.diff = undefined;
    } else {
      (this.diff ??= new Map()).set(name, version);
    }
  }

  delete(name: string): void {
    this.set(name, undefined);
  }

  /** Does the client hold exactly these resources, at their versions (whatever this book's form)? */
  holdsExactly(view: ReadonlyMap<string, EncodedResource>): boolean {
    if (this.count !== view.size) return false;
    if (this.diff === undefined && this.base === view) return true;
    for (const [name, r] of view) if (this.get(name) !== r.version) return false;
    return true;
  }

  *keys(): IterableIterator<string> {
    const diff = this.diff;
    if (this.base) for (const name of this.base.keys()) if (!diff?.has(name) || diff.get(name) !== undefined) yield name;
    if (diff) for (const [name, version] of diff) if (version !== undefined && !this.base?.has(name)) yield name;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of this.keys()) yield [name, this.get(name)!];
  }
}
