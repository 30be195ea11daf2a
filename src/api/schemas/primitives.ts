/** The small schemas the API's shapes are made of. */
export const str = { type: 'string' } as const;
export const nonEmpty = { type: 'string', minLength: 1 } as const;
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
