/**
 * `POST /api/v1/slack/interactions` (contract §10): Slack's button presses. Access `callback`:
 * DCP's tokens and sessions do not apply; Slack's `v0` signature, checked by the service, is the
 * credential. Slack signs the raw body, so this route — alone, in a context of its own — keeps the
 * body as the string it arrived as (any content type): the signature is checked on exactly those
 * bytes first, and the payload read after.
 */
import type { Api, ApiContext } from '../context.ts';
import { problemResponses } from '../schemas.ts';

/** Slack's payloads are small (a few kB); anything far bigger is not Slack's. */
const BODY_LIMIT = 256 * 1024;

export async function slackRoutes(app: Api, ctx: ApiContext): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, body));

    scope.post('/api/v1/slack/interactions', {
      config: { access: 'callback' },
      bodyLimit: BODY_LIMIT,
      schema: {
        tags: ['gates'],
        summary: "Slack's button presses (Approve / Reject on DCP's approval message), authenticated by Slack's v0 signature",
        description: [
          'The body is what Slack sends: `application/x-www-form-urlencoded` with `payload=<JSON>`; it is verified as received',
          '(`X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:{X-Slack-Request-Timestamp}:{body}">` with DCP_SLACK_SIGNING_SECRET;',
          'a timestamp more than 5 minutes from DCP\'s clock, or a request already taken, is refused with 401).',
          'A decision counts for the catalog person with the Slack user\'s profile email, under the rules of',
          '`POST /api/v1/deployments/{id}/phases/{phaseId}/approvals`. A refused decision is still answered 200 (Slack shows',
          'nothing useful for other answers): the person is told why in an ephemeral reply. Other interaction types: 200, ignored.',
        ].join(' '),
        security: [{ slackSignature: [] }],
        response: { 200: { description: 'Taken: recorded, ignored, or refused and told to the person in Slack. The body is empty.', type: 'string', maxLength: 0 }, ...problemResponses },
      },
    }, async (request, reply) => {
      const header = (name: string): string | undefined => {
        const value = request.headers[name];
        return typeof value === 'string' ? value : undefined;
      };
      await ctx.slackInteractions.handle(request.caller, {
        timestamp: header('x-slack-request-timestamp'),
        signature: header('x-slack-signature'),
        rawBody: typeof request.body === 'string' ? request.body : '',
      });
      return reply.code(200).type('text/plain; charset=utf-8').send('');
    });
  });
}
