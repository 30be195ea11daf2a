/** The small schemas the API's shapes are made of. */
export const str = { type: 'string' } as const;
export const nonEmpty = { type: 'string', minLength: 1 } as const;
/**
 * Request strings are bounded (a 9 KB buildId once made PostgreSQL refuse the index row with a
 * 500): names and ids 1–200 characters, URLs 2,000, free text (reasons, comments) 2,000.
 */
export const MAX_NAME = 200;
export const MAX_TEXT = 2000;
/** A name or id sent in a request: 1–200 characters. */
export const name = { type: 'string', minLength: 1, maxLength: MAX_NAME } as const;
/** An optional short string sent in a request (a digest, a tag, a commit): at most 200 characters. */
export const shortText = { type: 'string', maxLength: MAX_NAME } as const;
/** Free text or a URL sent in a request: at most 2,000 characters. */
export const longText = { type: 'string', maxLength: MAX_TEXT } as const;
/** A position in the event log or a cursor's number: a safe integer (larger ones PostgreSQL's bigint refuses). */
export const position = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
export const bool = { type: 'boolean' } as const;
export const int = { type: 'integer' } as const;
export const strings = { type: 'array', items: str } as const;
export const nullableStr = { type: ['string', 'null'] } as const;
export const strMap = { type: 'object', additionalProperties: { type: 'string' } } as const;
export const dateTime = { type: 'string', format: 'date-time' } as const;
export const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;
export const statusTimes = { ...strMap, description: 'When each status was first reached (status → date-time).' } as const;
export const history = {
  type: 'array',
  description: 'Every move, in order (a phase that waited on prerequisites enters Checking again).',
  items: {
    type: 'object',
    required: ['status', 'at', 'detail'],
    additionalProperties: false,
    properties: { status: { type: 'string' }, at: { type: 'string', format: 'date-time' }, detail: { type: ['string', 'null'] } },
  },
} as const;

/** A time window, e.g. a change case's deploy window. */
export const timeWindow = {
  type: 'object',
  required: ['start', 'end'],
  additionalProperties: false,
  properties: { start: dateTime, end: dateTime },
} as const;
