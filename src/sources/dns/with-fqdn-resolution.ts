// A source whose FQDN EndpointSlices are resolved: the given source fills the store, then the FQDN
// resolver looks their names up before start() resolves (so the first config already has the
// addresses) and keeps them current. Problems of both are reported together.
import type { ObjectStore } from '../object-store.ts';
import type { Source, SourceProblem } from '../source.ts';
import type { ObjectStatus } from '../../status/status.ts';
import { FqdnEndpointResolver, type FqdnEndpointResolverOptions } from './fqdn-endpoint-resolver.ts';

export function withFqdnResolution(source: Source, options: FqdnEndpointResolverOptions): Source {
  const resolver = new FqdnEndpointResolver(options);
  return {
    name: source.name,
    async start(store: ObjectStore): Promise<void> {
      await source.start(store);
      await resolver.start(store);
    },
    async stop(): Promise<void> {
      await resolver.stop();
      await source.stop();
    },
    problems(): SourceProblem[] {
      return [...source.problems(), ...resolver.problems()];
    },
    publishStatuses(statuses: readonly ObjectStatus[]): void {
      source.publishStatuses(statuses);
    },
  };
}
