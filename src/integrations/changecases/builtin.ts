/**
 * The built-in change-case provider: cases live in DCP's own table and people move them through
 * `POST /api/v1/change-cases/{id}/transition` (or the app). Nothing is external, so creating,
 * reading and closing need no call: the engine writes the case rows itself.
 */
import type { ChangeCaseProvider } from './port.ts';

export function createBuiltinChangeCaseProvider(): ChangeCaseProvider {
  return {
    name: 'builtin',
    async create(request) {
      return { externalId: request.caseId };
    },
    async read() {
      throw new Error('built-in change cases are read from DCP itself');
    },
    async close() {
      // The engine closes the case row; there is nothing outside DCP to tell.
    },
  };
}
