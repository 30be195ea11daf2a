/**
 * Small helpers every HTTP adapter needs to read a vendor's answer and say what went wrong in one
 * line: whether a parsed JSON value is an object, a snippet of a vendor's text, and the real
 * reason behind fetch's "fetch failed".
 */

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One line, at most 200 characters: what a `detail` or an error message may quote of a vendor's text. */
export function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** fetch's TypeError("fetch failed") hides the reason (ECONNREFUSED, ENOTFOUND, …) in `cause`. */
export function describeCause(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${error.message} (${typeof code === 'string' ? `${code}: ` : ''}${cause.message})`;
  }
  return error.message;
}
