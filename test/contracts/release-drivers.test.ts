/** Every release driver passes the ReleaseDriver contract (./release-driver.ts): one line each. */
import { describeReleaseDriverContract } from './release-driver.ts';
import { simulatedReleaseDriver } from './simulated.ts';

describeReleaseDriverContract('simulated', simulatedReleaseDriver);
