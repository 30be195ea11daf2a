/**
 * Harbor's `SCANNING_COMPLETED` webhook (`POST /api/v1/webhooks/harbor`) ends a scan wait at once:
 * every deployment waiting for the scan of an artifact with one of the webhook's digests asks the
 * scan provider now. The webhook's own findings are not trusted — DCP reads them from Harbor's API,
 * the same read as its poll — so a forged webhook can at most make DCP look early.
 */
import { NotAuthenticatedError } from '../core/errors.ts';
import type { Engine } from '../engine/engine.ts';
import type { Db } from '../store/db.ts';
import { scanningWithDigests } from '../store/deployments.ts';
import type { AuditService, Caller } from './audit.ts';

/** Harbor's side of the webhook (integrations/scan/harbor-webhook.ts), given by the composition root. */
export interface HarborWebhook {
  /** Whether the `Authorization` header holds the shared secret (constant time). */
  verify(authorization: string | undefined): boolean;
  /** The digests of a finished scan, or why the event is ignored; throws InputError when malformed. */
  parse(body: unknown): { digests: string[]; repository: string } | { ignored: string };
}

export interface ScanWebhookService {
  /** Returns the deployments that looked again (none when the event is not a finished scan). */
  harbor(caller: Caller, authorization: string | undefined, body: unknown): Promise<{ deployments: string[]; ignored: string | null }>;
}

export function createScanWebhookService(deps: { db: Db; engine: Engine; audit: AuditService; harbor: HarborWebhook | null }): ScanWebhookService {
  return {
    async harbor(caller, authorization, body) {
      // Without a secret no caller can prove itself: the same 401 as a wrong secret, saying why.
      if (!deps.harbor) throw new NotAuthenticatedError('the Harbor webhook is not configured (DCP_HARBOR_WEBHOOK_SECRET)');
      if (!deps.harbor.verify(authorization)) throw new NotAuthenticatedError('the webhook secret does not match');
      caller.principal = { kind: 'service', name: 'harbor-webhook', teams: [], groups: [], admin: false, scopes: [], team: null, tokenId: null, sessionId: null };
      const event = deps.harbor.parse(body);
      if ('ignored' in event) return { deployments: [], ignored: event.ignored };
      const waiting = await scanningWithDigests(deps.db, event.digests);
      for (const [i, id] of waiting.entries()) {
        await deps.engine.apply(id, { type: 'scan.recheck' }, {
          async before(tx) {
            // One record for the request, written with the first change it makes (none: the API records the answer).
            if (i === 0) await deps.audit.record(tx, caller, `harbor:${event.repository}`, { digests: event.digests.length, deployments: waiting.length });
          },
        });
      }
      return { deployments: waiting, ignored: null };
    },
  };
}
