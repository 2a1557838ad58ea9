// What one response on one type will carry, as planned by a stream before it frames the bytes.
import type { EncodedResource } from './encoded-resource.ts';
import type { TypeView } from './snapshot-reader.ts';

export interface Plan {
  readonly resources: readonly EncodedResource[];
  readonly removed: readonly string[];
  /** SotW LDS/CDS: the response is the whole set the client should hold. */
  readonly fullState: boolean;
  readonly version: string;
  /**
   * A shared pre-framed body (everything but the nonce), when the response carries a snapshot's
   * whole set or exactly what changed since the previous snapshot.
   */
  readonly sharedBody?: Buffer;
  /** The view's resources, when the response carries every one of them (and only them). */
  readonly whole?: ReadonlyMap<string, EncodedResource>;
  /** After this response the client holds exactly what the view has for its subscription. */
  readonly complete: boolean;
  /**
   * The response carries exactly what changed between two views (every change, removals
   * included): a client that held all of `from` holds all of `to` after it.
   */
  readonly change?: { readonly from: ReadonlyMap<string, EncodedResource>; readonly to: ReadonlyMap<string, EncodedResource> };
  /** The resources as name → version, when shared by every stream sending this plan. */
  readonly carried?: ReadonlyMap<string, string>;
}

/** The same resources in the same order? (A plan that equals a shared change set uses its body.) */
export function sameResources(a: readonly EncodedResource[], b: readonly EncodedResource[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The plan carrying exactly a view's change, made once per view and protocol and shared by every
 * stream. `make` takes the view (every stream of a fleet asks: no closure is made per ask).
 */
export function sharedChangePlan(plans: WeakMap<TypeView, Plan>, tv: TypeView, make: (tv: TypeView) => Plan): Plan {
  let plan = plans.get(tv);
  if (!plan) {
    plan = make(tv);
    plans.set(tv, plan);
  }
  return plan;
}
