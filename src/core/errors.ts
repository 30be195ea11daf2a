/**
 * Domain errors. Each maps to one HTTP status in one place (src/api/problem.ts); messages say
 * what was wrong and what to do.
 */

/** One field-level problem: `field` is a path such as `artifactManifest.version` or `environments[2].checks[0].type`. */
export interface FieldIssue {
  field: string;
  message: string;
  /** For config files: the file (relative to the config folder) and 1-based line. */
  file?: string;
  line?: number;
}

export class DomainError extends Error {
  readonly issues: FieldIssue[];
  constructor(message: string, issues: FieldIssue[] = []) {
    super(message);
    this.name = new.target.name;
    this.issues = issues;
  }
}

/** Malformed input: 400. */
export class InputError extends DomainError {}

/** Well-formed input that cannot be planned (unknown component, channel, strategy; no phase): 422. */
export class UnplannableError extends DomainError {}

/** A config folder that fails validation; nothing of it is applied. */
export class ConfigError extends DomainError {}

/** Unknown id: 404. */
export class NotFoundError extends DomainError {}

/** Conflicts with the current state (cancel a terminal deployment, an illegal move): 409. */
export class ConflictError extends DomainError {}

/** No or bad credentials: 401. */
export class NotAuthenticatedError extends DomainError {}

/** Authenticated but not allowed: 403. */
export class NotAllowedError extends DomainError {}

/** An integration failed in a way that may pass on retry (timeout, 5xx, connection refused). */
export class RetryableIntegrationError extends Error {}

/** An integration failed in a way a retry will not fix (4xx, bad response). */
export class PermanentIntegrationError extends Error {}
