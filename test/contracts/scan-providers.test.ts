/** Every scan provider passes the ScanProvider contract (./scan-provider.ts): one line each. */
import { describeScanProviderContract } from './scan-provider.ts';
import { simulatedScanProvider } from './simulated.ts';

describeScanProviderContract('simulated', simulatedScanProvider);
