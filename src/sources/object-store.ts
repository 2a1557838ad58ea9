// The one store every source writes into: Kubernetes objects keyed by group/Kind/namespace/name.
// Sources replace objects (whole files for the directory source, single objects for the cluster
// source); the rebuild loop is told which keys changed and reads a consistent list. No I/O here.
import { objectKey, type KubeObject } from '../k8s/kube-object.ts';

export interface StoreChange {
  /** Keys whose object was added, replaced or deleted. */
  keys: string[];
  /** Kinds among them, for fast paths (an EndpointSlice-only change, say). */
  kinds: Set<string>;
}

export type StoreListener = (change: StoreChange) => void;

export interface ObjectStoreOptions {
  /** Report status-only changes too (the fleet provisioner reads Service and Deployment status). */
  withStatus?: boolean;
}

export class ObjectStore {
  private readonly objects = new Map<string, KubeObject>();
  private readonly withStatus: boolean;

  constructor(opts: ObjectStoreOptions = {}) {
    this.withStatus = opts.withStatus ?? false;
  }

  private readonly listeners = new Set<StoreListener>();
  private revisionCounter = 0;

  /** Increases on every effective change. */
  get revision(): number {
    return this.revisionCounter;
  }

  get size(): number {
    return this.objects.size;
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(key: string): KubeObject | undefined {
    return this.objects.get(key);
  }

  /** Every object, in a stable order (by key). */
  list(): KubeObject[] {
    return [...this.objects.keys()].sort().map((k) => this.objects.get(k) as KubeObject);
  }

  /** Applies upserts and deletions as one change; unchanged objects are not reported. */
  apply(upserts: readonly KubeObject[], deletes: readonly string[] = []): void {
    const changed: string[] = [];
    const kinds = new Set<string>();
    for (const key of deletes) {
      const old = this.objects.get(key);
      if (old && this.objects.delete(key)) {
        changed.push(key);
        kinds.add(old.kind);
      }
    }
    for (const obj of upserts) {
      const key = objectKey(obj);
      const old = this.objects.get(key);
      if (old && sameContent(old, obj, this.withStatus)) continue;
      this.objects.set(key, obj);
      changed.push(key);
      kinds.add(obj.kind);
    }
    if (changed.length === 0) return;
    this.revisionCounter++;
    const change: StoreChange = { keys: changed, kinds };
    for (const l of this.listeners) l(change);
  }

  /** Replaces the objects one owner (a file, an informer) contributed with a new set, atomically. */
  replaceOwned(previousKeys: ReadonlySet<string>, next: readonly KubeObject[]): Set<string> {
    const nextKeys = new Set(next.map(objectKey));
    const deletes = [...previousKeys].filter((k) => !nextKeys.has(k));
    this.apply(next, deletes);
    return nextKeys;
  }
}

// Status-only and resourceVersion-only updates do not change what translation sees.
function sameContent(a: KubeObject, b: KubeObject, withStatus: boolean): boolean {
  return JSON.stringify(strip(a, withStatus)) === JSON.stringify(strip(b, withStatus));
}

function strip(o: KubeObject, withStatus: boolean): unknown {
  const { status, metadata, ...rest } = o;
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = metadata;
  return withStatus ? { ...rest, status, metadata: meta } : { ...rest, metadata: meta };
}
