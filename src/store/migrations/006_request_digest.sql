-- What made a deployment, to tell a repeat from a reuse (docs/decisions.md, "Idempotency"): the
-- SHA-256 of each field of the canonical request (the build event, or the manual request) that a
-- buildId or an Idempotency-Key first came with, as { field: hex digest }. A later request with
-- the same key and the same digests is a repeat (200, the first deployment); different ones are a
-- conflict (409 naming the fields). Null for deployments made before this column, and for clones.
ALTER TABLE deployments ADD COLUMN request_digest jsonb;
