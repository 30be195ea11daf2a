/** Every executor passes the Executor contract (./executor.ts): one line each. */
import { describeExecutorContract } from './executor.ts';
import { embeddedExecutor } from './simulated.ts';

describeExecutorContract('embedded (over the simulated release driver)', embeddedExecutor);
