/** Every scan provider passes the ScanProvider contract (./scan-provider.ts): one line each. */
import { artifactApiFailures, artifactApiScans, harborFailures, harborScans } from './adapters.ts';
import { describeScanProviderContract } from './scan-provider.ts';
import { simulatedScanProvider } from './simulated.ts';

describeScanProviderContract('simulated', simulatedScanProvider);
describeScanProviderContract('harbor (against test/fakes/harbor.ts)', harborScans, { failures: harborFailures });
describeScanProviderContract('http: the artifact API (against test/fakes/artifact-api.ts)', artifactApiScans, { failures: artifactApiFailures });
