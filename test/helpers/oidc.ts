/**
 * A DCP that signs people in with OIDC at a provider in this process (fakes/oidc-provider.ts),
 * on the ungated example config plus User entities with email addresses for alice and bob
 * (the shipped catalog names its people by user name only).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ManualClock } from '../../src/shared/clocks.ts';
import { startFakeIdp, type FakeIdp } from '../fakes/oidc-provider.ts';
import { UNGATED_CONFIG, startTestDcp, type Backend, type TestDcp } from './dcp.ts';

const PEOPLE = `# People (Backstage User entities): how OIDC sign-ins find them, by email.
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: alice }
spec: { profile: { email: Alice@Example.com, displayName: Alice }, memberOf: [payments] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: bob }
spec: { profile: { email: bob@example.com } }
`;

/** The ungated config with people.yaml added to its catalog, in a temporary folder. */
export function configWithPeople(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'dcp-oidc-config-'));
  cpSync(UNGATED_CONFIG, dir, { recursive: true });
  writeFileSync(path.join(dir, 'catalog', 'people.yaml'), PEOPLE);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A port free now. DCP's redirect URI is made from its public URL at start, so it must know its
 * port before it listens (PORT=0 would register …:0 with the provider).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface OidcDcp {
  t: TestDcp;
  idp: FakeIdp;
  stop(): Promise<void>;
}

/** A provider, and a DCP signing in with it (more DCP_* settings in `env`). */
export async function startOidcDcp(options: { backend: Backend; env?: Record<string, string>; clock?: ManualClock; idp?: FakeIdp }): Promise<OidcDcp> {
  const idp = options.idp ?? (await startFakeIdp());
  const config = configWithPeople();
  const t = await startTestDcp({ backend: options.backend, clock: options.clock, configDir: config.dir, env: { PORT: String(await freePort()), ...idp.env, ...options.env } });
  idp.allowRedirect(`${t.url}/api/v1/session/oidc/callback`);
  return {
    t,
    idp,
    async stop() {
      await t.stop();
      if (!options.idp) await idp.stop();
      config.remove();
    },
  };
}
