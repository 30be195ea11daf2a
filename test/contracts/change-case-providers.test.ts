/** Every change-case provider passes the ChangeCaseProvider contract (./change-case-provider.ts): one line each. */
import { builtinChangeCases, serviceNowChangeCases, serviceNowFailures } from './adapters.ts';
import { describeChangeCaseProviderContract } from './change-case-provider.ts';

describeChangeCaseProviderContract('builtin', builtinChangeCases, { polled: false });
describeChangeCaseProviderContract('servicenow (against test/fakes/servicenow.ts)', serviceNowChangeCases, { polled: true, failures: serviceNowFailures });
