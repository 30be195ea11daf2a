/** Every release driver passes the ReleaseDriver contract (./release-driver.ts): one line each. */
import { helmFailures, helmReleaseDriver } from './helm.ts';
import { describeReleaseDriverContract } from './release-driver.ts';
import { cpcFailures, cpcReleaseDriver } from './release-adapters.ts';
import { simulatedReleaseDriver } from './simulated.ts';

describeReleaseDriverContract('simulated', simulatedReleaseDriver);
describeReleaseDriverContract('cpc (against test/fakes/cpc.ts)', cpcReleaseDriver, { failures: cpcFailures });
describeReleaseDriverContract('helm (against test/fakes/helm/helm)', helmReleaseDriver, { failures: helmFailures });
