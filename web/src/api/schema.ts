/**
 * GENERATED from DCP's OpenAPI document (/openapi.json) by openapi-typescript — do not edit.
 * Regenerate with `npm run gen:api` (scripts/gen-api-types.ts); test/api-types.test.ts fails when
 * this file is stale. The app's names for these shapes are in web/src/types.ts.
 */
export interface paths {
    "/api/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The audit trail, newest first: every write, sign-in, token made and revoked */
        get: {
            parameters: {
                query?: {
                    actor?: string;
                    /** @description e.g. `POST /api/v1/deployments/:id/cancel` */
                    action?: string;
                    /** @description e.g. `deployments/<id>` */
                    resource?: string;
                    outcome?: "success" | "denied" | "failed";
                    limit?: number;
                    /** @description The `nextCursor` of the previous page. */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["AuditRecord"][];
                            /** @description Send as `cursor` for the next page; null on the last page. */
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/builds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Submit a BuildCompleted event (plain, or as a structured CloudEvent); idempotent on buildId */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["BuildEvent"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Deployment"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Deployment"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/sources": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The catalog sources, by precedence: each one's last sync, what it changed (added, updated, removed) and its bad entities */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CatalogSourceList"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/sync": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sync the external catalog sources (Backstage, GitHub) now; answers with every source once done */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CatalogSourceList"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/change-cases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Change cases, newest first */
        get: {
            parameters: {
                query?: {
                    deployment?: string;
                    status?: "new" | "submitted" | "scheduled-approved" | "rejected" | "closed";
                    limit?: number;
                    /** @description The `nextCursor` of the previous page. */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["ChangeCase"][];
                            /** @description Send as `cursor` for the next page; null on the last page. */
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/change-cases/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One change case */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ChangeCase"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/change-cases/{id}/transition": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Move a built-in change case (new → submitted → scheduled-approved | rejected; closed from any state). Illegal moves and moves blocked by a freeze: 409. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ChangeCaseTransition"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ChangeCase"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/config/reload": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Re-import the config folder, or the files sent (as `dcp import DIR` does); all or nothing */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ConfigReloadRequest"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConfigImport"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/deployments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Deployments, newest first */
        get: {
            parameters: {
                query?: {
                    service?: string;
                    team?: string;
                    status?: "Pending" | "Scanning" | "Scanned" | "InProgress" | "Completed" | "Failed" | "Cancelled";
                    environment?: string;
                    /** @description Free text: service, version, build id or deployment id. */
                    q?: string;
                    limit?: number;
                    /** @description The `nextCursor` of the previous page. */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DeploymentList"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Create a manual deployment; an Idempotency-Key header makes a retry return the first one */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ManualDeploymentRequest"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Deployment"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Deployment"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/deployments/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One deployment with its phases and releases */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Deployment"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/deployments/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a running deployment; 409 when it has already ended */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CancelRequest"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Deployment"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/deployments/{id}/clone": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A new deployment of the same artifact, planned afresh (optionally of a subset of environments) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CloneRequest"];
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Deployment"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/deployments/{id}/phases/{phaseId}/approvals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve or reject a phase; one rejection cancels it. Answers with the deployment. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    phaseId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ApprovalRequest"];
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Deployment"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The event log. With `after`: events after that position, oldest first (follow the log). Without: newest first, paged with `cursor`. */
        get: {
            parameters: {
                query?: {
                    deployment?: string;
                    after?: number;
                    limit?: number;
                    /** @description The `nextCursor` of the previous page. */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["EventList"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/freezes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Change freezes, newest first (`current=true`: those not lifted or ended) */
        get: {
            parameters: {
                query?: {
                    current?: boolean;
                    limit?: number;
                    /** @description The `nextCursor` of the previous page. */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Freeze"][];
                            /** @description Send as `cursor` for the next page; null on the last page. */
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Set a change freeze on freezable environments (scheduled ahead with a later startsAt; no endsAt: until lifted) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["FreezeRequest"];
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Freeze"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/freezes/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Lift a change freeze */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Freeze"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/plans": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The plan a build or manual deployment would make; stores nothing */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["PlanRequest"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Plan"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/services": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Services, by name */
        get: {
            parameters: {
                query?: {
                    team?: string;
                    limit?: number;
                    /** @description The `nextCursor` of the previous page. */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Service"][];
                            /** @description Send as `cursor` for the next page; null on the last page. */
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who is signed in */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Session"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Sign in with an API token; sets the session cookie */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SessionRequest"];
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Session"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        /** Sign out */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Signed out; the cookie is cleared. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/session/oidc": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Sign in with OIDC: redirects to the provider (authorization code with PKCE) */
        get: {
            parameters: {
                query?: {
                    /** @description A path of DCP's own to land on once signed in (default /). */
                    returnTo?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description To the provider; or, when it is unreachable, back to the app with ?signin-error=unavailable. */
                302: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/session/oidc/callback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where the OIDC provider sends the browser back: verifies the sign-in, sets the session cookie, redirects to the app */
        get: {
            parameters: {
                query?: {
                    code?: string;
                    state?: string;
                    error?: string;
                    error_description?: string;
                    iss?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Signed in: to the returnTo of the sign-in (default /). Refused, for a browser: to /?signin-error=<reason>. */
                302: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/session/options": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** How one may sign in: the app shows the token form, and "Sign in with SSO" when OIDC is configured */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            token: true;
                            /** @description Whether GET /api/v1/session/oidc signs in with the OIDC provider. */
                            oidc: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sinks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The outbox's sinks (NATS, each webhook subscription, Slack): lag, delivered, failing since, last error, next try */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SinkList"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/slack/interactions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Slack's button presses (Approve / Reject on DCP's approval message), authenticated by Slack's v0 signature
         * @description The body is what Slack sends: `application/x-www-form-urlencoded` with `payload=<JSON>`; it is verified as received (`X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:{X-Slack-Request-Timestamp}:{body}">` with DCP_SLACK_SIGNING_SECRET; a timestamp more than 5 minutes from DCP's clock, or a request already taken, is refused with 401). A decision counts for the catalog person with the Slack user's profile email, under the rules of `POST /api/v1/deployments/{id}/phases/{phaseId}/approvals`. A refused decision is still answered 200 (Slack shows nothing useful for other answers): the person is told why in an ephemeral reply. Other interaction types: 200, ignored.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Taken: recorded, ignored, or refused and told to the person in Slack. The body is empty. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": string;
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/strategies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Strategies and the environments (with their policies) they progress through */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Strategies"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Events as server-sent events (each `id` is the position; resume with Last-Event-ID or `after`). Without either, starts from now. */
        get: {
            parameters: {
                query?: {
                    deployment?: string;
                    after?: number;
                };
                header?: {
                    "last-event-id"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Server-sent events: `id: <position>` and `data: <Event as JSON>` each, and `: keep-alive` comments. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/targets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The imported target table, by channel, environment and position */
        get: {
            parameters: {
                query?: {
                    channel?: string;
                    environment?: string;
                    limit?: number;
                    /** @description The `nextCursor` of the previous page. */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Target"][];
                            /** @description Send as `cursor` for the next page; null on the last page. */
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Teams, with their services and Slack settings, by name */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description The `nextCursor` of the previous page. */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Team"][];
                            /** @description Send as `cursor` for the next page; null on the last page. */
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One team */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Team"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{id}/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Override a team's Slack workspace and channel (null for both returns to the catalog's) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["NotificationSettings"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Team"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Tokens, newest first: your own, or (admins) everyone's. Never the secret. */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description The `nextCursor` of the previous page. */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Token"][];
                            /** @description Send as `cursor` for the next page; null on the last page. */
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Make an API token: your own (it acts as you, limited by its scopes), a team's CI token, or (admins) anyone's. The secret is shown once. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["TokenRequest"];
                };
            };
            responses: {
                /** @description The token, with its secret — shown this once; DCP keeps only its hash. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["NewToken"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a token at once (your own, or as an admin anyone's); its sessions end with it */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Token"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Webhook subscriptions, newest first. Never their secrets. */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description The `nextCursor` of the previous page. */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Webhook"][];
                            /** @description Send as `cursor` for the next page; null on the last page. */
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Subscribe a URL to DCP's events (signed CloudEvents, Standard Webhooks). The signing secret is shown once. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["WebhookRequest"];
                };
            };
            responses: {
                /** @description The subscription, with its signing secret — shown this once. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["NewWebhook"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/harbor": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Harbor's SCANNING_COMPLETED webhook: deployments waiting for that artifact's scan read it from Harbor now
         * @description Authenticated by the shared secret configured in Harbor's webhook policy (Auth Header) and in DCP_HARBOR_WEBHOOK_SECRET. Other event types are accepted and ignored.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description Harbor's webhook payload (type, occur_at, operator, event_data). */
            requestBody: {
                content: {
                    "application/json": Record<string, never>;
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The deployments that asked the scan provider again. */
                            deployments: string[];
                            /** @description Why the event changed nothing (another event type), or null. */
                            ignored: string | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Unsubscribe: nothing more is delivered, and the delivery log goes with it */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A webhook subscription. Never its secret: that is shown once, when it is made. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Webhook"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every try to deliver an event to the subscription, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description The `nextCursor` of the previous page. */
                    cursor?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["WebhookDelivery"][];
                            /** @description Send as `cursor` for the next page; null on the last page. */
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workflow-callbacks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Progress from an Argo workflow, authenticated by that workflow's own callback token; 204 when applied or already applied */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The workflow's name (Argo's `{{workflow.name}}`). */
                        workflow: string;
                        /**
                         * @description What the callback is about: the scan wait, the phase, or one release of it.
                         * @enum {string}
                         */
                        kind: "scan" | "phase" | "release";
                        /** @description The deployment id (scan), phase id (phase) or release id (release). */
                        id: string;
                        /** @enum {string} */
                        status: "Running" | "Succeeded" | "Failed" | "Cancelled";
                        /** @description One line: what happened (it becomes the statusDetail). */
                        detail?: string;
                        /** @description Findings by severity: only with kind scan and status Succeeded. */
                        findings?: {
                            low?: number;
                            medium?: number;
                            high?: number;
                            critical?: number;
                        };
                    };
                };
            };
            responses: {
                /** @description Applied, or already applied (a repeat or a late callback changes nothing). */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details (application/problem+json). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The Prometheus text format, version 0.0.4. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/plain": string;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: migrated, config loaded, engine running, database reachable (503 when any is not) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Readiness"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Readiness"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ApprovalRequest: {
            /** @enum {string} */
            decision: "approve" | "reject";
            comment?: string;
        };
        ArtifactManifest: {
            name: string;
            version: string;
            images: {
                name: string;
                digest?: string;
                tag?: string;
            }[];
            charts: {
                name: string;
                version: string;
                repository?: string;
            }[];
            /**
             * @description Free-form (values up to 2,000 characters, at most 100); the simulator reads the dcp.simulator/* ones (contract §8).
             * @default {}
             */
            annotations?: {
                /** @description Milliseconds a simulated release takes (whole, at most 13 digits). */
                "dcp.simulator/release-ms"?: string;
                /** @description Milliseconds until the simulated scan is done (whole, at most 13 digits). */
                "dcp.simulator/scan-ms"?: string;
                /** @description Comma-separated clusters whose simulated release fails. */
                "dcp.simulator/fail-targets"?: string;
                /** @description What the simulated scan finds, e.g. `critical:1,high:3`. */
                "dcp.simulator/scan-findings"?: string;
            } & {
                [key: string]: string;
            };
        };
        AuditRecord: {
            id: string;
            /** Format: date-time */
            at: string;
            /** @description A person's name, a token's name, or anonymous. */
            actor: string;
            /** @enum {string} */
            actorKind: "person" | "service" | "anonymous";
            tokenId: string | null;
            /** @description The route, e.g. `POST /api/v1/deployments/:id/cancel`. */
            action: string;
            resource: string | null;
            /** @enum {string} */
            outcome: "success" | "denied" | "failed";
            /** @description The HTTP status, when the record was written as the answer went out. */
            status: null | number;
            address: string | null;
            userAgent: string | null;
            /** @description What changed: names and values, never a secret. */
            detail: null | {
                [key: string]: unknown;
            };
        };
        BuildEvent: {
            /** @description Unique per build; 200 characters at most. */
            buildId: string;
            component: string;
            channel: string;
            strategy: string;
            artifactManifest: components["schemas"]["ArtifactManifest"];
            source?: components["schemas"]["SourceInfo"];
            triggeredBy?: string;
        };
        CancelRequest: {
            reason?: string;
        };
        CatalogSource: {
            name: string;
            /** @enum {string} */
            kind: "config" | "backstage" | "github";
            location: string;
            /** @description Precedence: a lower rank wins when two sources hold the same entity. */
            rank: number;
            /**
             * @description ok; partial (some entities were bad and skipped); failed (unreachable: the last good data stays).
             * @enum {string}
             */
            status: "never" | "ok" | "partial" | "failed";
            /** Format: date-time */
            lastSyncAt: string | null;
            /** Format: date-time */
            lastSuccessAt: string | null;
            error: string | null;
            added: number;
            updated: number;
            removed: number;
            entities: number;
            /** @description The bad entities of the last sync: source, entity ref, field, reason. */
            problems: {
                source: string;
                ref: string;
                field: string;
                reason: string;
                key?: string;
                file?: string;
                editUrl?: string | null;
            }[];
        };
        CatalogSourceList: {
            items: components["schemas"]["CatalogSource"][];
        };
        ChangeCase: {
            id: string;
            provider: string;
            externalId: string | null;
            number: string | null;
            deploymentId: string;
            phaseId: string;
            queue: string;
            service: string;
            environment: string;
            isGov: boolean;
            summary: string;
            description: string;
            /** @enum {string} */
            status: "new" | "submitted" | "scheduled-approved" | "rejected" | "closed";
            statusDetail: string | null;
            deployWindow: null | {
                /** Format: date-time */
                start: string;
                /** Format: date-time */
                end: string;
            };
            outcome: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            history: {
                from: string | null;
                to: string;
                by: string;
                /** Format: date-time */
                at: string;
                comment: string | null;
            }[];
        };
        ChangeCaseTransition: {
            /** @enum {string} */
            status: "submitted" | "scheduled-approved" | "rejected" | "closed";
            /** @description Required to move to scheduled-approved. */
            deployWindow?: {
                /** Format: date-time */
                start: string;
                /** Format: date-time */
                end: string;
            };
            comment?: string;
        };
        CheckResult: {
            name: string;
            /** @enum {string} */
            type: "http" | "prometheus" | "scan";
            /** @enum {string} */
            status: "Pending" | "Passed" | "Failed" | "NotEvaluated";
            detail: string | null;
        };
        /** @description A check a phase runs when it starts (and again before it releases, if it waited). */
        CheckSpec: {
            name: string;
            /** @enum {unknown} */
            type: "http";
            url: string;
            expectStatus?: number;
            jsonPath?: string;
            /** @description Any JSON value (a scalar from the config): the value at jsonPath must equal it. */
            equals?: unknown;
            timeoutMs?: number;
        } | {
            name: string;
            /** @enum {unknown} */
            type: "prometheus";
            url: string;
            query: string;
            /** @enum {string} */
            op: "<" | "<=" | ">" | ">=" | "==";
            threshold: number;
        } | {
            name: string;
            /** @enum {unknown} */
            type: "scan";
            /** @enum {string} */
            maxSeverity: "low" | "medium" | "high" | "critical";
        };
        CloneRequest: {
            /** @description A subset of the planned environments; all when absent. */
            environments?: string[];
        };
        ConfigImport: {
            changed: boolean;
            importId: number;
            source: string;
            counts: {
                channels: number;
                targets: number;
                environments: number;
                strategies: number;
                teams: number;
                services: number;
            };
        };
        ConfigReloadRequest: {
            /** @description Path (relative to the config folder) → content. */
            files?: {
                [key: string]: string;
            };
        };
        Deployment: {
            id: string;
            /** @description Null for manual deployments and clones. */
            buildId: string | null;
            service: string;
            team: string;
            channel: string;
            strategy: string;
            /** @description The artifact manifest's version. */
            version: string;
            artifactManifest: components["schemas"]["ArtifactManifest"];
            source: null | components["schemas"]["SourceInfo"];
            reason: string | null;
            triggeredBy: string;
            clonedFrom: string | null;
            /** @enum {string} */
            status: "Pending" | "Scanning" | "Scanned" | "InProgress" | "Completed" | "Failed" | "Cancelled";
            statusDetail: string;
            scanFindings: null | components["schemas"]["ScanFindings"];
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @description When each status was first reached (status → date-time). */
            statusTimes: {
                [key: string]: string;
            };
            /** @description Every move, in order (a phase that waited on prerequisites enters Checking again). */
            history: {
                status: string;
                /** Format: date-time */
                at: string;
                detail: string | null;
            }[];
            /** @description Environments of the strategy that were left out of the plan, and why. */
            omittedEnvironments: {
                environment: string;
                reason: string;
            }[];
            phases: components["schemas"]["Phase"][];
        };
        DeploymentList: {
            items: components["schemas"]["Deployment"][];
            nextCursor: string | null;
        };
        /** @description An environment's checks and prerequisites; each phase keeps the policy it was planned with. */
        EnvironmentPolicy: {
            name: string;
            /** @description The GOV environment planned after this one for isGov services. */
            gov?: string;
            isGov: boolean;
            checks: components["schemas"]["CheckSpec"][];
            approvals?: {
                required: number;
                approvers: string[];
            };
            changeCase?: {
                required: boolean;
                timeoutMs: number;
            };
            freezable: boolean;
            windows?: components["schemas"]["WindowSpec"][];
            bakeTime?: {
                environment: string;
                durationMs: number;
            };
        };
        /** @description A CloudEvent 1.0; `position` is its place in the log, the cursor of /events and the id of /stream. */
        Event: {
            /** @enum {string} */
            specversion: "1.0";
            id: string;
            source: string;
            /** @enum {string} */
            type: "DeploymentCreated" | "DeploymentScanned" | "DeploymentPhaseStarted" | "DeploymentPhaseAwaitingPrerequisites" | "DeploymentPhaseCompleted" | "DeploymentPhaseFailed" | "DeploymentPhaseCancelled" | "ReleaseStarted" | "ReleaseSucceeded" | "ReleaseFailed" | "DeploymentCompleted" | "DeploymentFailed" | "DeploymentCancelled" | "ChangeCaseCreated" | "ChangeCaseUpdated" | "DeploymentStatusChanged" | "DeploymentPhaseStatusChanged" | "ReleaseStatusChanged" | "BuildRejected" | "WebhookSubscriptionDisabled";
            subject: string;
            /** Format: date-time */
            time: string;
            /** @enum {string} */
            datacontenttype: "application/json";
            /** @description Which fields are set depends on the type. Every event about a deployment has `deploymentId`; `BuildRejected` and `WebhookSubscriptionDisabled` are about DCP itself and have none. */
            data: {
                /** @description The deployment (every type but BuildRejected and WebhookSubscriptionDisabled). */
                deploymentId?: string;
                phaseId?: string;
                releaseId?: string;
                changeCaseId?: string;
                environment?: string;
                /** @description The cluster of a release. */
                target?: string;
                /** @description The status moved from. */
                from?: string;
                /** @description The status moved to. */
                to?: string;
                statusDetail?: string;
                /** @description The change-case queue (ChangeCaseCreated). */
                queue?: string;
                /** @description Who moved a change case. */
                by?: string;
                service?: string;
                version?: string;
                buildId?: string | null;
                triggeredBy?: string;
                /** @description The planned environments (DeploymentCreated). */
                environments?: string[];
                /** @description Why the build was rejected, naming the field, or why the subscription was disabled. */
                reason?: string;
                /** @description The bus subject a rejected build came on (BuildRejected). */
                busSubject?: string;
                /** @description Its sequence in the JetStream stream (BuildRejected). */
                streamSequence?: number;
                /** @description The webhook subscription disabled (WebhookSubscriptionDisabled). */
                subscriptionId?: string;
                /** @description The disabled subscription's origin; its path and query are left out, they may hold a secret. */
                origin?: string;
            } & {
                [key: string]: unknown;
            };
            position: number;
        };
        EventList: {
            items: components["schemas"]["Event"][];
            nextCursor: string | null;
        };
        Freeze: {
            id: string;
            environments: string[];
            /** Format: date-time */
            startsAt: string;
            /**
             * Format: date-time
             * @description Null: until lifted.
             */
            endsAt: string | null;
            reason: string;
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            liftedAt: string | null;
            liftedBy: string | null;
        };
        FreezeRequest: {
            /** @description Freezable environments only. */
            environments: string[];
            /** Format: date-time */
            startsAt: string;
            /**
             * Format: date-time
             * @description Absent: until lifted.
             */
            endsAt?: string;
            reason: string;
        };
        ManualDeploymentRequest: {
            component: string;
            channel: string;
            strategy: string;
            artifactManifest: components["schemas"]["ArtifactManifest"];
            /** @description A subset of the planned environments; all when absent. */
            environments?: string[];
            source?: components["schemas"]["SourceInfo"];
            reason?: string;
        };
        /** @description The token, with its secret — shown this once; DCP keeps only its hash. */
        NewToken: {
            id: string;
            name: string;
            scopes: ("read" | "builds:write" | "deployments:write" | "approvals:write" | "admin")[];
            team: string | null;
            /** @description The person the token acts as; null: a token that belongs to nobody. */
            owner: string | null;
            createdBy: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            expiresAt: string | null;
            /**
             * Format: date-time
             * @description To the minute.
             */
            lastUsedAt: string | null;
            /** Format: date-time */
            revokedAt: string | null;
            /** @description The admin token made at first start (or from DCP_BOOTSTRAP_TOKEN). */
            bootstrap: boolean;
            /** @description The secret: send it as `Authorization: Bearer <token>`. */
            token: string;
        };
        /** @description The subscription, with its signing secret — shown this once. */
        NewWebhook: {
            id: string;
            url: string;
            /** @description The event types delivered; null: every type. */
            types: null | ("DeploymentCreated" | "DeploymentScanned" | "DeploymentPhaseStarted" | "DeploymentPhaseAwaitingPrerequisites" | "DeploymentPhaseCompleted" | "DeploymentPhaseFailed" | "DeploymentPhaseCancelled" | "ReleaseStarted" | "ReleaseSucceeded" | "ReleaseFailed" | "DeploymentCompleted" | "DeploymentFailed" | "DeploymentCancelled" | "ChangeCaseCreated" | "ChangeCaseUpdated" | "DeploymentStatusChanged" | "DeploymentPhaseStatusChanged" | "ReleaseStatusChanged" | "BuildRejected" | "WebhookSubscriptionDisabled")[];
            description: string | null;
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            /**
             * Format: date-time
             * @description When delivery gave up on the subscription (it kept failing for 24 h); null: enabled.
             */
            disabledAt: string | null;
            disabledReason: string | null;
            /** @description The Standard Webhooks signing secret, `whsec_<base64 key>`: verify `webhook-signature` with it. */
            secret: string;
        };
        NotificationSettings: {
            workspace: string | null;
            channel: string | null;
        };
        Origin: {
            /** @description The catalog source: config, backstage, github. */
            source: string;
            /** @description The entity ref (kind:namespace/name), or the file of a kilonova.yaml. */
            ref: string;
            /** @description The file that holds it: a path in the config folder, or repo/catalog-info.yaml on GitHub. */
            file?: string;
            line?: number;
            /** @description Where to correct it: the Backstage entity page, the file on GitHub; null for the config folder (see file). */
            editUrl: string | null;
        };
        Phase: {
            id: string;
            environment: string;
            isGov: boolean;
            /** @enum {string} */
            status: "Pending" | "Checking" | "AwaitingPrerequisites" | "Deploying" | "Completed" | "Failed" | "Cancelled" | "Skipped";
            statusDetail: string;
            checks: components["schemas"]["CheckResult"][];
            prerequisites: components["schemas"]["Prerequisites"];
            policy: components["schemas"]["EnvironmentPolicy"];
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @description When each status was first reached (status → date-time). */
            statusTimes: {
                [key: string]: string;
            };
            /** @description Every move, in order (a phase that waited on prerequisites enters Checking again). */
            history: {
                status: string;
                /** Format: date-time */
                at: string;
                detail: string | null;
            }[];
            releases: components["schemas"]["Release"][];
        };
        Plan: {
            service: string;
            team: string;
            channel: string;
            strategy: string;
            phases: {
                environment: string;
                isGov: boolean;
                policy: components["schemas"]["EnvironmentPolicy"];
                targets: components["schemas"]["TargetSpec"][];
            }[];
            /** @description Environments of the strategy that were left out of the plan, and why. */
            omittedEnvironments: {
                environment: string;
                reason: string;
            }[];
        };
        /** @description What to plan: a build event or a manual deployment request (other fields are ignored). */
        PlanRequest: {
            component: string;
            channel: string;
            strategy: string;
            /** @description A subset of the planned environments; all when absent. */
            environments?: string[];
        };
        /** @description Each prerequisite the phase waits on, with `met`; null where the policy does not ask for it. */
        Prerequisites: {
            approvals: null | {
                required: number;
                approvers: string[];
                received: {
                    by: string;
                    /** @enum {string} */
                    decision: "approve" | "reject";
                    comment: string | null;
                    /** Format: date-time */
                    at: string;
                }[];
                rejectedBy: string | null;
                met: boolean;
            };
            changeCase: null | {
                id: string;
                number: string | null;
                /** @enum {string} */
                status: "new" | "submitted" | "scheduled-approved" | "rejected" | "closed";
                deployWindow: null | {
                    /** Format: date-time */
                    start: string;
                    /** Format: date-time */
                    end: string;
                };
                /** Format: date-time */
                timesOutAt: string;
                met: boolean;
            };
            freeze: null | {
                met: boolean;
                freezes: {
                    id: string;
                    reason: string;
                    /** Format: date-time */
                    startsAt: string;
                    /** Format: date-time */
                    endsAt: string | null;
                }[];
            };
            window: null | {
                met: boolean;
                windows: components["schemas"]["WindowSpec"][];
                /** Format: date-time */
                changesAt: string | null;
            };
            bakeTime: null | {
                environment: string;
                durationMs: number;
                applies: boolean;
                /** Format: date-time */
                readyAt: string | null;
                met: boolean;
            };
        };
        /** @description RFC 9457 problem details (application/problem+json). */
        Problem: {
            type: string;
            title: string;
            status: number;
            detail: string;
            instance?: string;
            errors?: {
                field: string;
                message: string;
                file?: string;
                line?: number;
            }[];
        };
        Readiness: {
            /** @enum {string} */
            status: "ready" | "not ready";
            checks: {
                started: boolean;
                engine: boolean;
                database: boolean;
                migrated: boolean;
                config: boolean;
            };
        };
        Release: {
            id: string;
            /** @description The cluster name. */
            target: string;
            region: string;
            /** @enum {string} */
            status: "Pending" | "Deploying" | "Succeeded" | "Failed" | "Cancelled" | "Skipped";
            statusDetail: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @description When each status was first reached (status → date-time). */
            statusTimes: {
                [key: string]: string;
            };
            /** @description Every move, in order (a phase that waited on prerequisites enters Checking again). */
            history: {
                status: string;
                /** Format: date-time */
                at: string;
                detail: string | null;
            }[];
        };
        ScanFindings: {
            /** @description Severity → number of findings. */
            counts: {
                [key: string]: number;
            };
        };
        Service: {
            name: string;
            /** @description The owning team; with owner.status unknown, the name the source gave, which is no team. */
            team: string;
            isGov: boolean;
            lifecycle?: string;
            annotations: {
                [key: string]: string;
            };
            /** @description How the team was found: resolved (spec.owner names the team), derived (spec.owner is a user: their first team), unknown (no team or user of that name in any source: the service is not built). */
            owner?: {
                ref: string;
                /** @enum {string} */
                status: "resolved" | "derived" | "unknown";
                via?: string;
            };
            /**
             * Format: date-time
             * @description When the service left every catalog source; it keeps its history and is not built.
             */
            retiredAt?: string;
            /** @description Where each fact came from, by field (entity, team, isGov, slack, members, changeCaseQueue). */
            provenance?: {
                [key: string]: components["schemas"]["Origin"];
            };
        };
        Session: {
            name: string;
            role: string;
            /**
             * Format: date-time
             * @description When a session signed in now ends.
             */
            expiresAt?: string;
        };
        SessionRequest: {
            token: string;
        };
        /** @description A sink of the outbox (NATS, a webhook subscription, Slack) and how its delivery goes. */
        Sink: {
            /** @description The name delivery keeps the sink's cursor under: `nats`, `webhook:<subscription id>`, `slack`. */
            name: string;
            /**
             * @description What the sink is.
             * @enum {string}
             */
            kind: "nats" | "webhook" | "slack" | "other";
            /** @description The webhook subscription of a `webhook` sink; null for other kinds. */
            webhookId: string | null;
            /** @description Events of the log the sink has not had yet. */
            lag: number;
            /** @description Events delivered to the sink, in all. */
            delivered: number;
            /** @description Whether the last delivery call failed (it is retried with backoff). */
            failing: boolean;
            /** @description Failed delivery calls in a row; 0 when the last one went through. */
            attempts: number;
            /**
             * Format: date-time
             * @description When the failures in a row began; null when not failing.
             */
            failingSince: string | null;
            /** @description The last failure's reason (kept after the sink recovers). */
            lastError: string | null;
            /**
             * Format: date-time
             * @description When the last failure was.
             */
            lastErrorAt: string | null;
            /**
             * Format: date-time
             * @description When an event was last delivered; null: never.
             */
            lastDeliveredAt: string | null;
            /**
             * Format: date-time
             * @description When a failing sink is tried again; null when not waiting to retry.
             */
            nextAttemptAt: string | null;
        };
        SinkList: {
            /** @description Every sink, by name. */
            items: components["schemas"]["Sink"][];
        };
        SourceInfo: {
            repository?: string;
            commit?: string;
            branch?: string;
        };
        Strategies: {
            items: {
                name: string;
                environments: string[];
            }[];
            environments: components["schemas"]["EnvironmentPolicy"][];
        };
        /** @description One cluster of one environment of one channel, as imported from channels.yaml. */
        Target: {
            channel: string;
            environment: string;
            cluster: string;
            region: string;
            kubeContext?: string;
            namespace?: string;
            cpcEndpoint?: string;
            labels?: {
                [key: string]: string;
            };
        };
        /** @description One cluster a phase releases to. */
        TargetSpec: {
            cluster: string;
            region: string;
            kubeContext?: string;
            namespace?: string;
            cpcEndpoint?: string;
            labels?: {
                [key: string]: string;
            };
        };
        Team: {
            name: string;
            title?: string;
            changeCaseQueue: string;
            members: string[];
            /** @description The team's Slack workspace and channel as imported from the catalog, and whether DCP can post to the channel in force. */
            slack: {
                workspace?: string;
                channel?: string;
                /** @description Slack's error the last time DCP could not post to the team's channel (channel_not_found, not_in_channel, is_archived …); null once a message goes through, or when none failed. */
                error: string | null;
                /**
                 * Format: date-time
                 * @description When DCP last failed to post to the channel; null with no error.
                 */
                errorAt: string | null;
            };
            /** @description The Slack settings in force: an override set in the app, else the catalog. */
            notifications: {
                workspace: string | null;
                channel: string | null;
                /** @enum {string} */
                source: "catalog" | "override";
                /** Format: date-time */
                updatedAt: string | null;
                updatedBy: string | null;
            };
            /** @description The names of the team's services. */
            services: string[];
            /** @description Where each fact came from, by field (entity, team, isGov, slack, members, changeCaseQueue). */
            provenance?: {
                [key: string]: components["schemas"]["Origin"];
            };
        };
        Token: {
            id: string;
            name: string;
            scopes: ("read" | "builds:write" | "deployments:write" | "approvals:write" | "admin")[];
            team: string | null;
            /** @description The person the token acts as; null: a token that belongs to nobody. */
            owner: string | null;
            createdBy: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            expiresAt: string | null;
            /**
             * Format: date-time
             * @description To the minute.
             */
            lastUsedAt: string | null;
            /** Format: date-time */
            revokedAt: string | null;
            /** @description The admin token made at first start (or from DCP_BOOTSTRAP_TOKEN). */
            bootstrap: boolean;
        };
        TokenRequest: {
            /** @description What the token is for, e.g. "payments CI". */
            name: string;
            scopes: ("read" | "builds:write" | "deployments:write" | "approvals:write" | "admin")[];
            /** @description A CI token for one team's services: it belongs to nobody and may read, post builds and deploy. */
            team?: string;
            /** @description Admins only: a token of this person (it acts as them) — how people sign in without OIDC. */
            user?: string;
            /**
             * Format: date-time
             * @description When the token stops working (default: never).
             */
            expiresAt?: string;
        };
        /** @description A webhook subscription. Never its secret: that is shown once, when it is made. */
        Webhook: {
            id: string;
            url: string;
            /** @description The event types delivered; null: every type. */
            types: null | ("DeploymentCreated" | "DeploymentScanned" | "DeploymentPhaseStarted" | "DeploymentPhaseAwaitingPrerequisites" | "DeploymentPhaseCompleted" | "DeploymentPhaseFailed" | "DeploymentPhaseCancelled" | "ReleaseStarted" | "ReleaseSucceeded" | "ReleaseFailed" | "DeploymentCompleted" | "DeploymentFailed" | "DeploymentCancelled" | "ChangeCaseCreated" | "ChangeCaseUpdated" | "DeploymentStatusChanged" | "DeploymentPhaseStatusChanged" | "ReleaseStatusChanged" | "BuildRejected" | "WebhookSubscriptionDisabled")[];
            description: string | null;
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            /**
             * Format: date-time
             * @description When delivery gave up on the subscription (it kept failing for 24 h); null: enabled.
             */
            disabledAt: string | null;
            disabledReason: string | null;
        };
        /** @description One try to deliver one event to the subscription. */
        WebhookDelivery: {
            id: string;
            subscriptionId: string;
            /** @description The CloudEvent id (also the `webhook-id` header). */
            eventId: string;
            /** @description 1 for the first try of this event, then 2, 3, … */
            attempt: number;
            /** Format: date-time */
            at: string;
            /** @description Whether the receiver answered 2xx. */
            ok: boolean;
            /** @description The receiver's HTTP status; null when it did not answer (timeout, refused connection). */
            status: null | number;
            /** @description Why the try failed. */
            error: string | null;
            durationMs: number;
        };
        WebhookRequest: {
            /** @description Where DCP POSTs each event: http(s), no credentials in it, not DCP itself. */
            url: string;
            /** @description The event types to deliver (DeploymentCreated, DeploymentScanned, DeploymentPhaseStarted, DeploymentPhaseAwaitingPrerequisites, DeploymentPhaseCompleted, DeploymentPhaseFailed, DeploymentPhaseCancelled, ReleaseStarted, ReleaseSucceeded, ReleaseFailed, DeploymentCompleted, DeploymentFailed, DeploymentCancelled, ChangeCaseCreated, ChangeCaseUpdated, DeploymentStatusChanged, DeploymentPhaseStatusChanged, ReleaseStatusChanged, BuildRejected, WebhookSubscriptionDisabled); all when left out. */
            types?: string[];
            /** @description What the subscription is for. */
            description?: string;
        };
        WindowSpec: {
            /** @description An IANA time zone, e.g. Europe/Berlin. */
            timezone: string;
            /** @description Lower-case three-letter day names: mon, tue, … */
            days: string[];
            /** @description "HH:MM-HH:MM" in the window's time zone; may wrap midnight. */
            hours: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
