/**
 * Seeding deployments cheaply for tests of lists, paging and filters: a build whose scan takes
 * ~31 years of the test's clock sits in Scanning, planned and stored with its phases and releases
 * like any other, and the engine never works on it again (its one job is a scan poll due in 2057).
 * No release runs, no lock is taken, nothing competes with the test that follows.
 */
import assert from 'node:assert/strict';
import type { DeploymentDto } from '../../src/store/deployment-reads.ts';
import { build, type TestDcp } from './dcp.ts';

/** Annotations that park a deployment in Scanning. */
export const PARKED_IN_SCANNING = { 'dcp.simulator/scan-ms': String(1e12) } as const;

export type SeedBuild = Parameters<typeof build>[0];

/** Posts each build, parked in Scanning, one after another (so their list order is this order). */
export async function seedParkedDeployments(t: TestDcp, builds: SeedBuild[]): Promise<DeploymentDto[]> {
  const seeded: DeploymentDto[] = [];
  for (const overrides of builds) {
    const res = await t.api('POST', '/api/v1/builds', build({ ...overrides, annotations: { ...PARKED_IN_SCANNING, ...overrides?.annotations } }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.status, 'Scanning');
    seeded.push(res.body);
  }
  return seeded;
}
