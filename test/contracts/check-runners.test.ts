/** The check runner passes the CheckRunner contract (./check-runner.ts) for every check type: one line each. */
import { httpChecks, prometheusChecks, scanChecks } from './adapters.ts';
import { describeCheckRunnerContract } from './check-runner.ts';

describeCheckRunnerContract('http checks against a local server', httpChecks, { cancellable: true });
describeCheckRunnerContract('prometheus checks against a local Prometheus API', prometheusChecks, { cancellable: true });
describeCheckRunnerContract('scan checks over the simulated scan provider', scanChecks);
