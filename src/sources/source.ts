// The contract both sources (a folder of YAML, a Kubernetes cluster) implement, so everything
// downstream of the object store is identical whichever one runs.
import type { ObjectStore } from './object-store.ts';
import type { ObjectStatus } from '../status/status.ts';

/** Something a source could not read, shown by the admin API and logged. */
export interface SourceProblem {
  /** What it concerns: a file path, or a kind (`HTTPRoute`) whose CRD is missing. */
  subject: string;
  message: string;
  /** ISO time the problem was first seen (sources are the edge; they may read the clock). */
  since: string;
  /** Where in a file, when known: 1-based line and column, 0-based YAML document index (as kubectl counts). */
  line?: number;
  column?: number;
  document?: number;
}

export interface Source {
  readonly name: string;
  /** Starts filling the store. Resolves once the store holds a complete first view (synced). */
  start(store: ObjectStore): Promise<void>;
  stop(): Promise<void>;
  problems(): SourceProblem[];
  /**
   * Publishes translation's statuses. The directory source only keeps them for the admin API; the
   * cluster source writes them to Kubernetes when it is the leader.
   */
  publishStatuses(statuses: readonly ObjectStatus[]): void;
}
