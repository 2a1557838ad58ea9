// `tether translate -f PATH...`: what Envoy config a set of manifests becomes, offline. Prints the
// Envoy resources (exactly what Envoy would receive: each one encoded to protobuf and decoded
// again) and the status of every input object, or a static bootstrap that runs the same config
// without Tether.
//
// Exit codes: 0 when the manifests were read (objects that fail translation show in the status,
// as they would in a cluster); 2 when they could not be read or the command line is wrong.
import { Command, CommanderError, Option } from 'commander';
import { buildStaticBootstrap } from '../envoy/bootstrap.ts';
import { MessageType, protoRegistry } from '../codec/proto-registry.ts';
import { buildResourceLists, type ConfigDump } from '../rebuild/config-dump.ts';
import { statusEntry } from '../status/status-entry.ts';
import type { GatewayIR } from '../ir/ir.ts';
import { describeRef, objectKey, refOf, type KubeObject } from '../k8s/kube-object.ts';
import { formatManifestProblem } from '../k8s/parse-manifests.ts';
import { translate } from '../translate/translate.ts';
import { inspectCertificates } from '../sources/certificates/certificate-inspector.ts';
import { inspectCaBundles } from '../sources/certificates/ca-bundle-inspector.ts';
import { EXIT_BAD_INPUT, processOutput, type CliOutput } from './decode.ts';
import { OUTPUT_FORMATS, renderJson, renderSummary, renderYaml, type OutputFormat } from './output-format.ts';
import { readManifests } from './read-manifests.ts';
import { silentLogger } from '../log/logger.ts';
import { ObjectStore } from '../sources/object-store.ts';
import { FqdnEndpointResolver } from '../sources/dns/fqdn-endpoint-resolver.ts';

export interface TranslateCommandOptions {
  file: string[];
  output: OutputFormat;
  bootstrap?: boolean;
  gateway?: string;
  resolveFqdn?: boolean;
  dnsServer?: string[];
}

export function translateCommand(io: CliOutput = processOutput): Command {
  return new Command('translate')
    .exitOverride()
    .description('Print the Envoy config (and the status of every object) that Kubernetes manifests become')
    .requiredOption('-f, --file <path>', 'a manifest file or folder (read recursively); repeatable', (v: string, prev: string[] = []) => [...prev, v])
    .addOption(new Option('-o, --output <format>', 'output format').choices([...OUTPUT_FORMATS]).default('json'))
    .option('--bootstrap', 'print a static Envoy bootstrap that runs the same config without Tether')
    .option('--gateway <namespace/name>', 'only this Gateway')
    .option('--resolve-fqdn', 'look up the names in FQDN EndpointSlices now, as `serve` does, instead of leaving them without endpoints')
    .option('--dns-server <ip[:port]>', 'with --resolve-fqdn: ask this DNS server instead of the system\'s; repeatable', (v: string, prev: string[] = []) => [...prev, v])
    .action(async (options: TranslateCommandOptions) => {
      await runTranslate(options, io);
    });
}

export async function runTranslate(options: TranslateCommandOptions, io: CliOutput): Promise<void> {
  if (options.bootstrap && options.output === 'summary') usageError(io, '--bootstrap prints JSON or YAML; -o summary does not apply');

  let read;
  try {
    read = await readManifests(options.file);
  } catch (err) {
    // readManifests reports what it expects as problems; anything else is still an input fault.
    usageError(io, `cannot read the manifests: ${(err as Error).message}`);
  }
  if (read.problems.length > 0) {
    for (const p of read.problems) io.err(`error: ${formatManifestProblem(p)}\n`);
    usageError(io, `cannot read the manifests (${read.problems.length} problem${read.problems.length === 1 ? '' : 's'})`);
  }
  let objects = dedupe(read.objects, io);
  if (options.resolveFqdn) objects = await resolveFqdnSlices(objects, options.dnsServer ?? [], io);
  // Certificates are parsed here, at the edge; translation judges expiry against this moment.
  const now = new Date().toISOString();
  const result = translate(objects, { certificates: inspectCertificates(objects), caBundles: inspectCaBundles(objects), now });
  for (const i of result.ignored) io.err(`ignored: ${describeRef(i.ref)}: ${i.reason}\n`);

  let gateways = result.ir.gateways;
  if (options.gateway !== undefined) {
    gateways = gateways.filter((g) => g.name === options.gateway);
    if (gateways.length === 0) usageError(io, `--gateway ${options.gateway}: no such accepted Gateway (${describeGateways(result.ir.gateways)}); see the status`);
  }

  if (options.bootstrap) {
    if (gateways.length !== 1) {
      usageError(io, gateways.length === 0 ? 'no accepted Gateway to bootstrap; see `tether translate -o summary`' : `--bootstrap needs one Gateway: choose with --gateway (${describeGateways(gateways)})`);
    }
    if (gateways[0].secrets && gateways[0].secrets.length > 0) {
      // A static bootstrap would have to carry the private keys inline; Tether never prints them.
      usageError(io, `--bootstrap: Gateway ${gateways[0].name} has HTTPS listeners, whose private keys a static bootstrap would have to print; serve it with \`tether serve\` instead (its Envoys get the certificates over SDS)`);
    }
    const bootstrap = protoRegistry().roundTrip(MessageType.bootstrap, buildStaticBootstrap(gateways[0]));
    io.out(options.output === 'yaml' ? renderYaml(bootstrap) : renderJson(bootstrap));
    return;
  }

  const statuses = result.statuses;
  if (options.output === 'summary') {
    io.out(renderSummary({ gateways }, statuses, now));
    return;
  }
  const output: ConfigDump = { ...buildResourceLists(gateways, (m) => io.err(`warning: ${m}\n`)), status: statuses.map(statusEntry) };
  io.out(options.output === 'yaml' ? renderYaml(output) : renderJson(output));
}

/** The objects plus the address slices the FQDN resolver derives from them (one lookup each). */
async function resolveFqdnSlices(objects: KubeObject[], servers: string[], io: CliOutput): Promise<KubeObject[]> {
  const store = new ObjectStore();
  store.apply(objects);
  let resolver: FqdnEndpointResolver;
  try {
    resolver = new FqdnEndpointResolver({ logger: silentLogger(), servers });
  } catch (err) {
    usageError(io, `--dns-server: ${(err as Error).message}`);
  }
  await resolver.start(store);
  await resolver.stop();
  for (const p of resolver.problems()) io.err(`warning: ${p.subject}: ${p.message}\n`);
  return store.list();
}

// Like `kubectl apply` of the same object twice: the last definition wins, and the user hears of it.
function dedupe(objects: readonly KubeObject[], io: CliOutput): KubeObject[] {
  const byKey = new Map<string, KubeObject>();
  for (const o of objects) {
    const key = objectKey(o);
    if (byKey.has(key)) io.err(`warning: ${describeRef(refOf(o))} is defined more than once; the last definition wins\n`);
    byKey.delete(key);
    byKey.set(key, o);
  }
  return [...byKey.values()];
}

function describeGateways(gateways: readonly GatewayIR[]): string {
  return gateways.length ? `accepted: ${gateways.map((g) => g.name).join(', ')}` : 'none accepted';
}

function usageError(io: CliOutput, message: string): never {
  io.err(`translate: ${message}\n`);
  throw new CommanderError(EXIT_BAD_INPUT, 'tether.badInput', message);
}
