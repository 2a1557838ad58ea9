// `tether serve`: run the control plane until SIGTERM or SIGINT, then stop cleanly (exit 0).
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, DEFAULTS, ENV, loadConfig, type ServeFlags } from '../config.ts';
import { createLogger, LOG_LEVELS } from '../log/logger.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function serveCommand(): Command {
  return new Command('serve')
    .exitOverride()
    .description('Serve Envoy config over xDS (ADS) from a folder of manifests or a Kubernetes cluster')
    .option('--source <dir|kubernetes>', `a folder of YAML manifests, or "kubernetes" (default: the bundled examples/default; env ${ENV.source})`)
    .option('--xds-address <host:port>', `xDS (gRPC ADS) listen address (default ${DEFAULTS.xdsAddress}; env ${ENV.xdsAddress})`)
    .option('--admin-address <host:port>', `admin HTTP listen address (default ${DEFAULTS.adminAddress}; env ${ENV.adminAddress})`)
    .option('--admin-token-file <path>', `a file holding the bearer token that /debug/* then requires (env ${ENV.adminTokenFile})`)
    .addOption(new Option('--log-level <level>', `log level (default ${DEFAULTS.logLevel}; env ${ENV.logLevel})`).choices(LOG_LEVELS))
    .option('--namespace <ns>', `only read objects in this namespace; repeat for several (env ${ENV.namespace}, comma-separated)`, collect)
    .option('--dns-server <ip[:port]>', `DNS server for FQDN EndpointSlice lookups instead of the system's; repeat for several (env ${ENV.dnsServer}, comma-separated)`, collect)
    .option('--dns-refresh <seconds>', `how often FQDN EndpointSlice names are looked up again (default ${DEFAULTS.dnsRefreshMs / 1000}; env ${ENV.dnsRefresh})`)
    .option('--xds-tls-cert <file>', `serve xDS over TLS with this certificate chain (PEM; env ${ENV.xdsTlsCert}); needs --xds-tls-key and --xds-client-ca`)
    .option('--xds-tls-key <file>', `the private key of --xds-tls-cert (PEM; env ${ENV.xdsTlsKey})`)
    .option('--xds-client-ca <file>', `CA certificate(s) that sign Envoy client certificates, which are then required (PEM; env ${ENV.xdsClientCa})`)
    .option('--xds-allow-fleet-certificates', `accept client certificates naming every Gateway (tether://gateway/*) (env ${ENV.xdsAllowFleetCertificates}=true)`)
    .option('--no-provision', `with --source kubernetes: do not create Envoy fleets for Gateways, for fleets you run yourself (env ${ENV.provision}=false)`)
    .option('--envoy-image <image>', `Envoy image of provisioned fleets whose parameters name none (env ${ENV.envoyImage})`)
    .action(async (flags: ServeFlags) => {
      await serve(flags);
    });
}

async function serve(flags: ServeFlags): Promise<void> {
  let config;
  try {
    config = loadConfig(flags, process.env, process.cwd());
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`tether serve: ${err.message}\n`);
      throw new CommanderError(2, 'tether.config', err.message);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  log.info({ source: config.source, xdsAddress: config.xdsAddress, xdsTls: config.xdsTls, adminAddress: config.adminAddress, namespaces: config.namespaces, provision: config.provision.enabled }, 'starting');

  let app;
  try {
    // Loaded here, not at the top: the server's modules (gRPC, xDS) would slow every other command.
    const { startApp } = await import('../app.ts');
    app = await startApp(config, { logger: log });
  } catch (err) {
    log.fatal({ err }, 'could not start');
    log.flush();
    throw new CommanderError(1, 'tether.start', (err as Error).message);
  }

  // Wait for a signal; a second signal while stopping gives up at once.
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  log.info({ signal }, 'shutting down');
  const again = (): void => {
    log.warn('second signal: exiting now');
    log.flush();
    process.exit(1);
  };
  process.once('SIGTERM', again);
  process.once('SIGINT', again);
  await app.stop();
  log.flush();
  process.off('SIGTERM', again);
  process.off('SIGINT', again);
}
