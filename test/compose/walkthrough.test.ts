// The README's Docker Compose walkthrough must stay true to the files it describes: the commands it shows print what
// it says (tether translate and decode run here for real), its example values agree with each other
// (a cookie names the address of the replica whose hostname the response shows), and the images and
// ports it names are the ones docker-compose.yml uses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { decodeSessionInput } from '../../src/codec/session-value.ts';
import { repoRoot, runTether } from '../cli/run-cli.ts';
import { TestDnsServer } from '../support/dns-server.ts';

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
  it('shows the summary `tether translate --resolve-fqdn -o summary` prints for examples/compose', async () => {
    const dns = await TestDnsServer.start();
    try {
      dns.set('httpbin', { a: [...replicas.values()] }); // Docker's DNS, inside the compose network
      const r = await runTether(['translate', '-f', join(repoRoot, 'examples', 'compose'), '--resolve-fqdn', '--dns-server', dns.server, '-o', 'summary']);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(outputOf('docker compose exec tether node src/main.ts translate -f /config --resolve-fqdn -o summary')).toBe(r.stdout.trim());
    } finally {
      await dns.close();
    }
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
    expect(responses.length).toBeGreaterThanOrEqual(3); // first cookie, header, re-pinned cookie
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
    // The re-pinned session is on a replica that remains.
    expect(responses.at(-1)?.[4]).not.toBe(firstHost);
    // The ten-request loops send the values shown above and land on their replicas.
    expect(doc).toContain(`-H "x-session: ${responses.find((m) => m[3])?.[3]}"`);
  });

  it('names the images and localhost ports docker-compose.yml uses', () => {
    for (const s of Object.values(compose.services)) {
      if (!s.image.startsWith('tether')) expect(doc).toContain(`\`${s.image}\``);
    }
    const published = Object.values(compose.services).flatMap((s) => s.ports ?? []).map((p) => p.split(':')[1]);
    for (const port of ['10000', '9901', '9902']) {
      expect(published).toContain(port);
      expect(doc).toContain(`localhost:${port}`);
    }
    expect(doc).toContain('docker compose up -d --scale httpbin=2');
  });
});
