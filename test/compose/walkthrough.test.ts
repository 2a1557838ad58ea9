// The README's Docker Compose walkthrough must stay true to the files it describes: the commands it shows print what
// it says (tether translate and decode run here for real), its example values agree with each other
// (a cookie names the address of the replica whose hostname the response shows), and the images and
// ports it names are the ones docker-compose.yml uses. Tether's /config is built as compose builds it:
// the manifests beside the HTTPS listener's Secret, made by the certs service's own command.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { decodeSessionInput } from '../../src/codec/session-value.ts';
import { repoRoot, runTether } from '../cli/run-cli.ts';
import { TestDnsServer } from '../support/dns-server.ts';
import { ComposeVolumes, certsArgs } from './compose-model.ts';

/** The walkthrough: the README section from its heading to the next top-level heading. */
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const start = readme.indexOf('## Try it: sticky sessions with Docker Compose');
const doc = readme.slice(start, readme.indexOf('\n## ', start + 3));
const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { image: string; ports?: string[] }> };

/** Every console block: the command after `$ ` and the lines printed until the next command. */
function consoleCommands(): { command: string; output: string }[] {
  const out: { command: string; output: string }[] = [];
  for (const block of doc.matchAll(/```console\n([\s\S]*?)```/g)) {
    let current: { command: string; output: string[] } | undefined;
    for (const line of (block[1] ?? '').split('\n')) {
      if (line.startsWith('$ ')) {
        if (current) out.push({ command: current.command, output: current.output.join('\n') });
        current = { command: line.slice(2), output: [] };
      } else current?.output.push(line);
    }
    if (current) out.push({ command: current.command, output: current.output.join('\n') });
  }
  return out;
}

const commands = consoleCommands();
const outputOf = (prefix: string): string => {
  const c = commands.find((x) => x.command.startsWith(prefix));
  if (!c) throw new Error(`walkthrough has no command starting with ${prefix}`);
  return c.output.trim();
};

/** The example replicas, from the `docker inspect` step: container hostname → name and address. */
const inspected = outputOf('docker inspect')
  .split('\n')
  .map((l) => l.split(' ') as [string, string, string]);
const replicas = new Map(inspected.map(([, hostname, ip]) => [hostname, ip]));
const names = new Map(inspected.map(([name, hostname]) => [hostname, name]));

describe('README walkthrough', () => {
  /** Tether's /config with the listener Secret the certs service wrote, as in the container. */
  const withVolumes = async <T>(body: (config: string) => Promise<T>): Promise<T> => {
    const volumes = await ComposeVolumes.create();
    try {
      const certs = await runTether(volumes.mapArgs('certs', certsArgs()));
      expect(certs.code).toBe(0);
      return await body(await volumes.folder('tether', '/config'));
    } finally {
      await volumes.remove();
    }
  };

  it('shows the summary `tether translate --resolve-fqdn -o summary` prints for /config', async () => {
    const dns = await TestDnsServer.start();
    try {
      dns.set('httpbin', { a: [...replicas.values()] }); // Docker's DNS, inside the compose network
      const r = await withVolumes((config) => runTether(['translate', '-f', config, '--resolve-fqdn', '--dns-server', dns.server, '-o', 'summary']));
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(outputOf('docker compose exec tether node src/main.ts translate -f /config --resolve-fqdn -o summary')).toBe(r.stdout.trim());
    } finally {
      await dns.close();
    }
  });

  it('shows the Set-Cookie the HTTPS listener\'s route writes, and the certificate as the config dump shows it', async () => {
    const out = await withVolumes(async (config) => {
      const r = await runTether(['translate', '-f', config]);
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as { routes: { name: string; virtual_hosts: { routes: { match: { prefix?: string; path_separated_prefix?: string }; typed_per_filter_config?: Record<string, unknown> }[] }[] }[]; secrets: { tls_certificate: { certificate_chain: { inline_string: string }; private_key: { inline_string: string } } }[] };
    });
    // The cookie route of the HTTPS listener's chain: its cookie, as Envoy writes Set-Cookie
    // (name="value"; Path; the attributes in order; HttpOnly: docs/sticky-sessions.md, evidence).
    const httpsRoutes = out.routes.filter((rc) => rc.name.includes('/10443'));
    expect(httpsRoutes.length).toBe(1);
    const cookieRoute = httpsRoutes[0]?.virtual_hosts.flatMap((v) => v.routes).find((r) => JSON.stringify(r.match).includes('/cookie'));
    const cookie = /"cookie":(\{[^}]*"name":"tether-demo"[^]*?\]\})/.exec(JSON.stringify(cookieRoute?.typed_per_filter_config))?.[1];
    const { name, path, attributes } = JSON.parse(cookie ?? '{}') as { name: string; path: string; attributes: { name: string; value?: string }[] };
    const shown = /^set-cookie: (.*)$/m.exec(doc.slice(doc.indexOf('https://localhost:10443/cookie/hostname')))?.[1] ?? '';
    const value = /^tether-demo=("[^"]+")/.exec(shown)?.[1] ?? '';
    const expected = [`${name}=${value}`, `Path=${path}`, ...attributes.map((a) => (a.value ? `${a.name}=${a.value}` : a.name)), 'HttpOnly'].join('; ');
    expect(shown).toBe(expected);
    expect(shown).toMatch(/; SameSite=Lax; Secure; HttpOnly$/);
    // The HTTP listener's cookie has neither attribute, as the walkthrough shows in step 2.
    expect(doc).toContain('set-cookie: tether-demo="Cg8xNzIuMTguMC4zOjgwODA="; Path=/; HttpOnly');

    // The certificate, redacted, in the form the README greps out of the config dump.
    const [secret] = out.secrets;
    const dumpLines = outputOf("curl -s 'localhost:9901/debug/config_dump?gateway=default/demo-gateway' | grep -o").split('\n');
    expect(dumpLines[1]).toBe(`"inline_string": "${secret?.tls_certificate.private_key.inline_string}"`);
    const shape = (s: string): string => s.replace(/not after [^;]+;/, 'not after T;').replace(/SHA-256 [^\]]+/, 'SHA-256 F');
    expect(shape(dumpLines[0] ?? '')).toBe(shape(`"inline_string": "${secret?.tls_certificate.certificate_chain.inline_string}"`));
  });

  it('shows what `tether decode` prints for the cookie and header values it got', async () => {
    const setCookie = /set-cookie: (tether-demo="[^"]+"; Path=\/; HttpOnly)/.exec(doc)?.[1] ?? '';
    const cookieValue = /"[^"]+"/.exec(setCookie)?.[0] ?? '';
    const cookie = await runTether(['decode', cookieValue]);
    expect(cookie.code).toBe(0);
    expect(outputOf('docker compose exec tether node src/main.ts decode "$(grep')).toBe(cookie.stdout.trim());

    const headerCommand = commands.find((c) => c.command.includes('decode --header'));
    const headerArg = /decode --header "([^"]+)"/.exec(headerCommand?.command ?? '')?.[1] ?? '';
    const header = await runTether(['decode', '--header', headerArg]);
    expect(header.code).toBe(0);
    expect(headerCommand?.output.trim()).toBe(header.stdout.trim());
  });

  it('uses example values that agree: each session names the replica the response came from', () => {
    const responses = [...doc.matchAll(/(set-cookie: tether-demo=("[^"]+")[^\n]*|x-session: (\S+))\nserver: envoy\n\n\{\n {2}"hostname": "(\w+)"/g)];
    expect(responses.length).toBeGreaterThanOrEqual(4); // first cookie, header, re-pinned cookie, HTTPS cookie
    for (const m of responses) {
      const value = m[2] ?? m[3] ?? '';
      const [decoded] = decodeSessionInput(value);
      expect(replicas.get(m[4] ?? ''), `${value} → ${decoded?.address}`).toBe(decoded?.ip);
      expect(decoded?.port).toBe(8080);
    }
    // Scaling to two removes the highest-numbered replica: the one the first session is on.
    const firstHost = responses[0]?.[4] ?? '';
    expect(names.get(firstHost)).toBe(`/tether-demo-httpbin-${inspected.length}`);
    expect(doc).toContain(`the session lives on \`${names.get(firstHost)?.slice(1)}\``);
    // The re-pinned session (the last one over HTTP) is on a replica that remains.
    expect(responses.filter((m) => !m[0].includes('Secure')).at(-1)?.[4]).not.toBe(firstHost);
    // The ten-request loops send the values shown above and land on their replicas.
    expect(doc).toContain(`-H "x-session: ${responses.find((m) => m[3])?.[3]}"`);
  });

  it('names the images and localhost ports docker-compose.yml uses', () => {
    for (const s of Object.values(compose.services)) {
      if (!s.image.startsWith('tether')) expect(doc).toContain(`\`${s.image}\``);
    }
    const published = Object.values(compose.services).flatMap((s) => s.ports ?? []).map((p) => p.split(':')[1]);
    for (const port of ['10000', '10443', '9901', '9902']) {
      expect(published).toContain(port);
      expect(doc).toContain(`localhost:${port}`);
    }
    expect(doc).toContain('docker compose up -d --scale httpbin=2');
  });
});
