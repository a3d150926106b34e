// Generated from openapi.yaml by `npm run console:generate`; do not edit (test/console/generated.test.ts checks it).
export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The process is alive. */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The databases answer and every migration is applied. */
        get: operations["getReady"];
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
        /**
         * Prometheus metrics (src/metrics/metrics.plugin.ts describes them).
         * @description HTTP request durations, 1C exchange counters by integration, and per-integration gauges read from the database
         *     at scrape time (left out, with `onec_metrics_database_up` 0, when the database does not answer).
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/1c_exchange": components["pathItems"]["Exchange"];
    "/bitrix/admin/1c_exchange.php": components["pathItems"]["Exchange"];
    "/api/v1/companies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The companies of the caller's location, to choose one for an integration.
         * @description The drop-down of the admin screen, from the platform data, ordered by name. A `location_admin` gets the
         *     companies of its location (asking for another location gives an empty list); a `system_operator` gets every
         *     company, or those of `locationId`.
         */
        get: operations["listCompanies"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/integrations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The integrations the caller manages (archived ones only when asked for). */
        get: operations["listIntegrations"];
        put?: never;
        /**
         * Creates an integration and its 1C credentials; the password is in this answer only.
         * @description `settings` is a JSON object, or a string holding one (the admin screen sends its text box as it is).
         *     With `export_from` the first exchanges start at midnight of that date in the documents' time zone
         *     (`settings.timezone`, else the location's); without it they deliver all history, in batches.
         *     Names are unique per company among integrations not archived, letter case ignored.
         */
        post: operations["createIntegration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/integrations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
            };
            cookie?: never;
        };
        /** One integration (archived ones too). */
        get: operations["getIntegration"];
        put?: never;
        post?: never;
        /**
         * Disables and archives the integration; its journal stays readable.
         * @description Sets `enabled` to false and `archivedAt` to now, and ends its 1C sessions: 1C's next request gets
         *     `failure` saying the integration is switched off. Nothing is deleted; the name can be used again.
         *     Repeating the request changes nothing and answers the same. No body is needed; one that is sent anyway is
         *     read like any other (JSON, at most the body limit), hence 413 and 415.
         */
        delete: operations["archiveIntegration"];
        options?: never;
        head?: never;
        /**
         * Changes the name, the settings or `enabled`.
         * @description `companyId` cannot change (400: an integration and its journal belong to one company). `export_from`
         *     cannot change either: it only sets where a new integration starts; use `POST …/reexport` to send orders
         *     again from a date. New settings apply from the next exchange: orders whose document changes with them
         *     (e.g. another payment method name) become pending. `enabled: false` makes 1C's next request fail.
         *     Archived integrations cannot be changed (409 `INTEGRATION_ARCHIVED`).
         */
        patch: operations["updateIntegration"];
        trace?: never;
    };
    "/api/v1/integrations/{id}/credentials": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A new 1C password (and optionally login); the old one and its sessions stop working at once.
         * @description The password is generated and shown in this answer only. Every exchange session of the integration is
         *     revoked in the same transaction, so a 1C exchange in progress fails on its next request and must log in
         *     with the new password.
         */
        post: operations["rotateCredentials"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/integrations/{id}/batches": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
            };
            cookie?: never;
        };
        /**
         * The journal, newest first, a page at a time.
         * @description One batch per `query` answer. Cursor pagination: ask without `cursor` for the newest page, then pass the
         *     answer's `nextCursor` to get the next older page; `nextCursor` is null on the last page. Cursors stay valid
         *     while new batches are added (a page never repeats or skips a batch).
         */
        get: operations["listBatches"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/integrations/{id}/batches/{batchId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
                batchId: components["parameters"]["batchId"];
            };
            cookie?: never;
        };
        /** One batch and its orders, each with its fingerprint and whether 1C acknowledged it. */
        get: operations["getBatch"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/integrations/{id}/batches/{batchId}/document": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
                batchId: components["parameters"]["batchId"];
            };
            cookie?: never;
        };
        /** The CommerceML document exactly as 1C received it (the same bytes, the same Content-Type). */
        get: operations["getBatchDocument"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/integrations/{id}/batches/{batchId}/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
                batchId: components["parameters"]["batchId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Acknowledges the latest batch by hand, exactly as 1C's `success` would (EXPORT-SEMANTICS.md rule 9).
         * @description For 1C set-ups that load a batch and never send `success` (some releases of the 1C-Bitrix exchange module, a
         *     proxy that drops the last request): 1C is then sent the same batch again and again
         *     (`OnecRepeatedQueriesWithoutSuccess`). Check in 1C that the batch's orders arrived, then acknowledge it: its
         *     orders count as delivered at the documents it carried (an order that changed since stays pending), the
         *     watermark moves as on `success`, and the integration's `lastSuccessAt` and the queries since success are
         *     reset. A `success` 1C sends for it afterwards changes nothing.
         *
         *     Only the integration's latest batch, while unacknowledged: any other batch, or the latest once acknowledged,
         *     answers 409 `BATCH_NOT_ACKNOWLEDGEABLE` naming the latest in `details.latestBatchId`. The batch then shows
         *     `acknowledgedBy` with the administrator's `sub`. Audited (`acknowledge`). No body is needed.
         */
        post: operations["acknowledgeBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/integrations/{id}/orders/{orderIdOrNumber}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
                /**
                 * @description The order's id (UUID) or its number as the platform shows it (e.g. `A-123`), looked up among the orders
                 *     of the integration's company. Orders of other companies answer 404.
                 */
                orderIdOrNumber: components["parameters"]["orderIdOrNumber"];
            };
            cookie?: never;
        };
        /** "Did 1C get order A-123?": in scope or not and why, last sent, last acknowledged, pending now, and what 1C reported. */
        get: operations["getOrderDeliveryStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/integrations/{id}/orders/{orderIdOrNumber}/exclusion": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
                /**
                 * @description The order's id (UUID) or its number as the platform shows it (e.g. `A-123`), looked up among the orders
                 *     of the integration's company. Orders of other companies answer 404.
                 */
                orderIdOrNumber: components["parameters"]["orderIdOrNumber"];
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Excludes the order from this integration (EXPORT-SEMANTICS.md rule 10); it is never sent while excluded.
         * @description A test order, or one the accountant entered in 1C by hand: from now on the next `query` leaves it out, and so
         *     does every later one, whatever changes (a payment, a refund, a cancellation), until it is included again.
         *     The order status then shows `reason: excluded` and `excluded` with when, by whom (`sub`) and why.
         *
         *     Nothing else of the order's state changes: if it is in a batch 1C has not acknowledged yet, that batch stays
         *     as it is (acknowledged, by 1C or by hand, 1C has the order; superseded, the order waits unsent). Excluding an
         *     order excluded already with another reason replaces the exclusion; with the same reason it changes nothing.
         *     Audited (`exclude`). Answers the order's status.
         */
        put: operations["excludeOrder"];
        post?: never;
        /**
         * Includes an excluded order again; it is pending when its document differs from the one 1C acknowledged.
         * @description The next `query` looks at the order whatever changed while it was excluded: if its document (fingerprint)
         *     differs from the last one 1C acknowledged, or 1C never acknowledged one, it is sent; if not, nothing is sent.
         *     An order that is not excluded is left as it is. Audited (`include`, with the exclusion it ended). Answers
         *     the order's status.
         */
        delete: operations["includeOrder"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/integrations/{id}/audit": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
            };
            cookie?: never;
        };
        /**
         * The audit trail, newest first, a page at a time.
         * @description Every administrator action on the integration: `create`, `update` (name, settings), `enable`, `disable`,
         *     `rotate_credentials`, `archive`, `reexport`, `acknowledge` (a batch by hand), `exclude` and `include` (an
         *     order), with when (`at`), who (`sub` and `role` of the token; the integrations command records the
         *     operating-system user with role `cli`) and what changed (`changes`, see AuditEvent). A password or its hash
         *     is never recorded. Each event is written in the transaction of the action, so there is one exactly when
         *     the action took effect; a request that changed nothing (a value set to what it was) records none. Kept as
         *     long as the journal.
         *
         *     Cursor pagination as for the journal: pass the answer's `nextCursor` as `cursor` for the next older page.
         */
        get: operations["listAuditEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/integrations/{id}/uploads": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
            };
            cookie?: never;
        };
        /**
         * The files 1C uploaded, newest first, with what each import found.
         * @description 1C uploads its view of the orders it loaded (its own numbers and dates, posted, deleted, cancelled, its
         *     payment and shipment documents) as portion files `orders-<uuid>_<n>.xml`, each in an exchange session of its
         *     own (PROTOCOL.md §8). Each is stored raw, then imported: `outcome` counts its documents matched to orders of
         *     the integration's company, unmatched (recorded, never applied to any order), and errors (no Ид and no Номер,
         *     not an order); `problems` lists the first unmatched and error documents. A file that is not CommerceML is
         *     `failed` with the reason in `error`, and nothing of it is applied. What 1C reported about one order is in
         *     `reportedBy1C` of `GET /api/v1/integrations/{id}/orders/{orderIdOrNumber}`.
         *
         *     Cursor pagination as for the journal: pass the answer's `nextCursor` as `cursor` for the next older page.
         */
        get: operations["listUploads"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/integrations/{id}/preview": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
            };
            cookie?: never;
        };
        /**
         * What the next `query` would send now (orders and document), changing nothing.
         * @description Computed exactly as `query` computes it, in a transaction that is rolled back: no batch is recorded and no
         *     state changes. (It assumes the last batch was acknowledged: the alternation that isolates a poison order
         *     is not replayed.) `format=xml` answers the raw document with its Content-Type instead of JSON.
         *
         *     Every order of the next batch is listed, but the document holds only its first `documentOrders` orders (all
         *     of them when the batch is no larger): a batch can hold 50,000 orders, hundreds of megabytes of XML. With
         *     fewer orders it is still a valid document in the same frame; `byteCount` is the size of the whole one. The
         *     documents 1C was actually sent are kept with their batches (`/batches/{batchId}/document`).
         */
        get: operations["previewNextBatch"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/integrations/{id}/reexport": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Makes orders pending again, from a date or by id; the next `query` sends them. The journal keeps its history.
         * @description Exactly one of:
         *     * `from`: every order 1C acknowledged that changed since midnight of that date (in the documents' time zone:
         *       `settings.timezone`, else the location's) is sent again, and the candidate scan widens to start there, so
         *       qualifying orders never sent since then are sent too;
         *     * `orderIds`: those orders of the integration's company (others are listed in `unknownOrderIds`).
         *
         *     The acknowledged fingerprints are cleared; batches and their acknowledgements stay in the journal.
         */
        post: operations["requestReexport"];
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
        Health: {
            /** @constant */
            status: "ok";
        };
        Readiness: {
            /** @enum {unknown} */
            status: "ready" | "unavailable";
            reason?: string;
            checks: {
                /** @enum {unknown} */
                database: "ok" | "failing";
                /** @enum {unknown} */
                migrations: "ok" | "failing" | "unknown";
            };
        };
        /**
         * @description Every admin API error. `code` is one of `BAD_REQUEST`, `INVALID_SETTINGS`, `UNKNOWN_COMPANY` (400),
         *     `UNAUTHORIZED` (401), `FORBIDDEN` (403), `NOT_FOUND` (404), `CONFLICT`, `AMBIGUOUS_ORDER_NUMBER`,
         *     `INTEGRATION_ARCHIVED`, `BATCH_NOT_ACKNOWLEDGEABLE` (409), `DOCUMENT_PRUNED` (410), `PAYLOAD_TOO_LARGE` (413), `UNSUPPORTED_MEDIA_TYPE` (415), `INTERNAL` (500),
         *     `ADMIN_API_NOT_CONFIGURED` (503). `details.problems` lists validation problems as `{ path, message }`.
         */
        Error: {
            error: {
                /** @enum {unknown} */
                code: "BAD_REQUEST" | "INVALID_SETTINGS" | "UNKNOWN_COMPANY" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "AMBIGUOUS_ORDER_NUMBER" | "INTEGRATION_ARCHIVED" | "BATCH_NOT_ACKNOWLEDGEABLE" | "DOCUMENT_PRUNED" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "TOO_MANY_REQUESTS" | "INTERNAL" | "UNAVAILABLE" | "ADMIN_API_NOT_CONFIGURED";
                /** @description A sentence a person can act on. */
                message: string;
                details?: {
                    problems?: components["schemas"]["Problem"][];
                };
            };
        };
        Problem: {
            /** @description JSON path of the value, e.g. `paymentrules[0].gateway` or `body.name`; empty for the whole document. */
            path: string;
            message: string;
        };
        AmbiguousOrderError: {
            error: {
                /** @constant */
                code: "AMBIGUOUS_ORDER_NUMBER";
                message: string;
                details: {
                    orders: {
                        /** Format: uuid */
                        orderId: string;
                        number: string;
                        /** Format: uuid */
                        locationId: string;
                        /** Format: date-time */
                        createdAt: string;
                    }[];
                };
            };
        };
        NotAcknowledgeableError: {
            error: {
                /** @constant */
                code: "BATCH_NOT_ACKNOWLEDGEABLE";
                message: string;
                details: {
                    /** @description The integration's latest batch */
                    latestBatchId: number;
                    /** @description Whether it is acknowledged already (then none may be, until the next `query`). */
                    latestAcknowledged: boolean;
                };
            };
        };
        Company: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            locationId: string;
            /** @enum {unknown} */
            kind: "legal" | "sole_trader";
            /** @description The official name */
            name: string;
            shortName: string | null;
            inn: string | null;
            kpp: string | null;
        };
        CompanyList: {
            companies: components["schemas"]["Company"][];
        };
        /** @description All fields given must match a payment (letter case ignored). */
        PaymentRule: {
            /** @example purchased */
            status?: string | null;
            /** @example CKassa */
            gateway?: string | null;
        };
        /**
         * @description The settings JSON of the admin screen (the README's settings table explains each key); null stands for an optional key left out.
         * @example {
         *       "paymentrules": [
         *         {
         *           "status": "purchased",
         *           "gateway": "CKassa"
         *         }
         *       ],
         *       "paymentmethod_name": "Оплата картой внешняя"
         *     }
         */
        IntegrationSettings: {
            paymentrules: components["schemas"]["PaymentRule"][];
            /** @description «Метод оплаты» in 1C. */
            paymentmethod_name: string;
            paymentmethod_id?: string | null;
            /**
             * @default UTF-8
             * @enum {unknown}
             */
            encoding?: "UTF-8" | "windows-1251" | null;
            /** @default false */
            bom?: boolean | null;
            /** @default 500 */
            batch_size?: number | null;
            /**
             * Format: date
             * @description Where a new integration starts; fixed after creation.
             */
            export_from?: string | null;
            currency?: string | null;
            /** @example Europe/Moscow */
            timezone?: string | null;
            /**
             * @description The CommerceML layout of the `query` answer. `2.08`: each Документ directly under the root, for УТ 11, КА 2, ERP (БЭД) and УНФ. `3.1`: the root in `urn:1C.ru:commerceml_3`, each Документ in its own Контейнер, for the 1C-side «Модуль обмена 1С-Битрикс» of older configurations (УТ 10.3, УПП, КА 1.1); not verified against that module (the README's compatibility table). The Документ is the same in both, so changing it sends nothing again.
             * @default 2.08
             * @enum {unknown}
             */
            schema_version?: "2.08" | "3.1" | null;
        };
        /** @description The settings as a JSON object, or a string holding the JSON (the admin screen's text box as it is). */
        SettingsInput: components["schemas"]["IntegrationSettings"] | string;
        Integration: {
            /** Format: uuid */
            id: string;
            /** @example Бухгалтерия ООО «Ромашка» */
            name: string;
            /** @constant */
            class: "CommerceML";
            /** Format: uuid */
            companyId: string;
            /** Format: uuid */
            locationId: string;
            settings: components["schemas"]["IntegrationSettings"];
            /** @description False: 1C is refused (`failure`). */
            enabled: boolean;
            /** Format: date-time */
            archivedAt: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @description The 1C login. */
            login: string;
            /**
             * Format: date-time
             * @description When the password was last set.
             */
            credentialsRotatedAt: string;
            /**
             * Format: date-time
             * @description The last `query` of 1C.
             */
            lastQueryAt: string | null;
            /**
             * Format: date-time
             * @description The last acknowledged batch (by 1C's `success`, or by an administrator).
             */
            lastSuccessAt: string | null;
        };
        IntegrationCreated: components["schemas"]["Integration"] & {
            /** @description The 1C password */
            password: string;
        };
        IntegrationList: {
            integrations: components["schemas"]["Integration"][];
        };
        IntegrationCreate: {
            name: string;
            /**
             * @default CommerceML
             * @constant
             */
            class?: "CommerceML";
            /**
             * Format: uuid
             * @description A company of the caller's location (GET /api/v1/companies).
             */
            companyId: string;
            settings: components["schemas"]["SettingsInput"];
            /** @default true */
            enabled?: boolean;
        };
        IntegrationPatch: {
            name?: string;
            /** @constant */
            class?: "CommerceML";
            settings?: components["schemas"]["SettingsInput"];
            enabled?: boolean;
            /** @description Cannot change; a value other than the current one is refused with 400. */
            companyId?: unknown;
        };
        CredentialsRotate: {
            /** @description A new login; unchanged when absent. */
            login?: string;
        };
        Credentials: {
            login: string;
            /** @description Shown this once; only its hash is kept. */
            password: string;
            /** Format: date-time */
            rotatedAt: string;
            /** @description Exchange sessions ended by the change. */
            revokedSessions: number;
        };
        /** @description One `query` answer, recorded before it was sent. */
        Batch: {
            id: number;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            queryStartedAt: string;
            /**
             * Format: uuid
             * @description The exchange session (checkauth) that asked.
             */
            sessionId: string;
            orderCount: number;
            byteCount: number;
            /** @example application/xml; charset=UTF-8 */
            contentType: string;
            /** @description Acknowledged: 1C answered `success` for this batch, or an administrator acknowledged it by hand (`acknowledgedBy`). */
            acknowledged: boolean;
            /** Format: date-time */
            acknowledgedAt: string | null;
            /**
             * @description Who acknowledged it: `1C` (its `success`), or the `sub` of the administrator who acknowledged it by hand
             *     (`POST …/batches/{batchId}/acknowledge`, also in the audit trail); null while unacknowledged.
             * @example 1C
             * @example ivanova@example.ru
             */
            acknowledgedBy: string | null;
            /**
             * @description Not acknowledged, and a later batch of this integration exists: 1C will never confirm this one (its
             *     orders were sent again, with any newer changes, in a later batch).
             */
            superseded: boolean;
            /**
             * Format: date-time
             * @description When retention cleared the stored document (`RETENTION_DOCUMENTS`, EXPORT-SEMANTICS.md rule 11): the batch,
             *     its orders and fingerprints stay, and `…/document` answers 410 `DOCUMENT_PRUNED`. Null while it is kept.
             */
            documentPrunedAt: string | null;
        };
        BatchPage: {
            batches: components["schemas"]["Batch"][];
            /** @description Pass as `cursor` for the next older page; null on the last page. */
            nextCursor: string | null;
        };
        BatchOrder: {
            /** Format: uuid */
            orderId: string;
            number: string;
            /** @description Hash of the order's document as sent. */
            fingerprint: string;
            /** Format: date-time */
            changedAt: string;
            /**
             * @description 1C confirmed loading this order's document exactly as this batch carried it: this batch was acknowledged,
             *     or a later acknowledged batch of the integration carried the same order with the same fingerprint (the
             *     same document sent again). An order that changed and was sent again in a later batch stays
             *     unacknowledged here unless this batch itself was acknowledged.
             */
            acknowledged: boolean;
            /** @description The first acknowledged batch (this one or later) that carried this document. */
            acknowledgedBatchId: number | null;
            /** Format: date-time */
            acknowledgedAt: string | null;
        };
        BatchDetail: components["schemas"]["Batch"] & {
            /** @description In the order the document lists them (oldest change first). */
            orders: components["schemas"]["BatchOrder"][];
        };
        Payment: {
            /** Format: uuid */
            id: string;
            /** @example CKassa */
            gateway: string;
            /** @example purchased */
            status: string;
            /** @description Exact decimal */
            amount: string;
            /** Format: date-time */
            paidAt: string | null;
            matchesRules: boolean;
        };
        OrderDeliveryStatus: {
            /** Format: uuid */
            orderId: string;
            number: string;
            /** @description The integration sends this order: it qualifies, or 1C has it already (tracked). */
            inScope: boolean;
            /**
             * @description `qualifies`: a payment matches a rule (`matchedRule`); `tracked`: no payment matches any more, but 1C
             *     acknowledged the order before, so changes (a refund, a cancellation) are still sent; `no matching
             *     payment`: out of scope; `excluded`: an administrator excluded it.
             * @enum {unknown}
             */
            reason: "qualifies" | "tracked" | "no matching payment" | "excluded" | "other company";
            matchedRule: components["schemas"]["PaymentRule"] | null;
            payments: components["schemas"]["Payment"][];
            /** @description The fingerprint of the document 1C would receive now. */
            currentFingerprint: string | null;
            /** @description Why the order cannot be sent now */
            notExportable: string | null;
            lastSent: {
                batchId: number | null;
                /** Format: date-time */
                at: string | null;
                fingerprint: string;
            } | null;
            /** @description The last acknowledgement; `fingerprint` is null after a re-export cleared it. */
            lastAcknowledged: {
                batchId: number | null;
                /** Format: date-time */
                at: string | null;
                fingerprint: string | null;
            } | null;
            /** @description In scope and its current document differs from the acknowledged one; the next `query` sends it. */
            pending: boolean;
            unacknowledgedServes: number;
            /** @description A suspected poison order, served alone (EXPORT-SEMANTICS.md rule 7). */
            isolated: boolean;
            /** @description Set while an administrator excludes the order (`PUT …/exclusion`): when, who (`sub`) and why. */
            excluded: {
                /** Format: date-time */
                at: string;
                /** @example ivanova@example.ru */
                by: string | null;
                reason: string | null;
            } | null;
            /**
             * @description What 1C last reported about the order in an upload (PROTOCOL.md §8), or null. Kept apart from the export:
             *     it never makes the order pending or changes its fingerprint.
             */
            reportedBy1C: components["schemas"]["OrderReport"] | null;
        };
        OrderReport: {
            /**
             * @description «Номер по 1С»: the number of the customer order in 1C.
             * @example ТД00-000123
             */
            number1c: string | null;
            /**
             * @description «Дата по 1С»: the wall-clock time 1C wrote (no offset), `YYYY-MM-DDTHH:MM:SS`.
             * @example 2026-03-10T14:31:07
             */
            date1c: string | null;
            /** @description «Проведен». */
            posted: boolean | null;
            /** @description «ПометкаУдаления». */
            deletionMark: boolean | null;
            /** @description «Отменен» (null when 1C did not send it). */
            cancelled: boolean | null;
            /** @description «Номер оплаты по 1С». */
            paymentNumber1c: string | null;
            /** @description «Дата оплаты по 1С»: `YYYY-MM-DDTHH:MM:SS`. */
            paymentDate1c: string | null;
            /** @description «Номер отгрузки по 1С». */
            shipmentNumber1c: string | null;
            /** @description «Дата отгрузки по 1С»: `YYYY-MM-DDTHH:MM:SS`. */
            shipmentDate1c: string | null;
            /** @description `Ид` of the document: 1C's own document UUID. */
            onecId: string | null;
            /** @description `Номер` of the document: the order number as 1C keeps it. */
            onecNumber: string | null;
            /** @description Every «ЗначениеРеквизита» of the document as 1C sent it (trimmed), by name. */
            requisites: {
                [key: string]: string;
            };
            /**
             * Format: date-time
             * @description When the upload that first carried these facts was received.
             */
            reportedAt: string;
            /** Format: uuid */
            uploadId: string | null;
            /** @example orders-5b0c2f8e-6d1a-4c53-9a0e-2f4b8d1c7e90_1.xml */
            filename: string | null;
            /** @description The document's position in that file (1-based). */
            documentIndex: number;
        };
        Upload: {
            /** Format: uuid */
            id: string;
            /**
             * Format: uuid
             * @description The exchange session (checkauth) that uploaded it.
             */
            sessionId: string;
            /** @description The base name 1C gave: `orders-<uuid>_<n>.xml`. */
            filename: string;
            /** Format: date-time */
            receivedAt: string;
            byteCount: number;
            chunkCount: number;
            /** @description Of the whole file, once 1C called import. */
            sha256: string | null;
            /**
             * @description `receiving`: chunks arriving, import not called yet; `stored`: complete, the import not started;
             *     `importing`: being imported; `imported`: done (see `outcome`); `failed`: not CommerceML (see `error`).
             * @enum {unknown}
             */
            state: "receiving" | "stored" | "importing" | "imported" | "failed";
            /** Format: date-time */
            importStartedAt: string | null;
            /** Format: date-time */
            importFinishedAt: string | null;
            /** @description Import runs: more than one when a replica died mid-file and another took over. */
            attempts: number;
            outcome: {
                documents: number;
                /** @description Documents applied to orders of the integration's company. */
                matched: number;
                /** @description Documents naming no order of the company (recorded, never applied). */
                unmatched: number;
                /** @description Documents without Ид and Номер, or not orders. */
                errors: number;
            } | null;
            /** @description Why the file could not be imported. */
            error: string | null;
            /** @description The first 20 documents with a problem, in file order - unmatched, errors, and matched documents with values that could not be read or forms that disagreed (the reason says which). */
            problems: {
                documentIndex: number;
                /** @enum {unknown} */
                status: "matched" | "unmatched" | "error";
                onecId: string | null;
                onecNumber: string | null;
                reason: string | null;
            }[];
            /**
             * Format: date-time
             * @description When retention deleted the file's bytes (`RETENTION_UPLOADS`, EXPORT-SEMANTICS.md rule 11): what the import
             *     made of it (`state`, `outcome`, `problems`, 1C's facts about the orders) stays. Null while the file is kept.
             */
            filePrunedAt: string | null;
        };
        UploadPage: {
            uploads: components["schemas"]["Upload"][];
            /**
             * Format: uuid
             * @description Pass as `cursor` for the next older page; null on the last page.
             */
            nextCursor: string | null;
        };
        Preview: {
            orders: {
                /** Format: uuid */
                orderId: string;
                number: string;
                /** Format: date-time */
                changedAt: string;
                fingerprint: string;
            }[];
            orderCount: number;
            /** @description Pending orders the batch size leaves for later exchanges (counted up to one more than the batch size). */
            leftOut: number;
            notExportable: {
                /** Format: uuid */
                orderId: string;
                number: string;
                reason: string;
            }[];
            contentType: string;
            /** @description The size in bytes of the whole document the next `query` would send. */
            byteCount: number;
            /** @description How many orders `document` holds: the first of `orders`, up to `documentOrders`. */
            documentOrderCount: number;
            /** @description The CommerceML document as text (decoded from the integration's encoding), with the batch's first `documentOrderCount` orders. */
            document: string;
        };
        ReexportRequest: {
            /**
             * Format: date
             * @description YYYY-MM-DD: orders changed since its midnight (documents' time zone).
             */
            from?: string;
            orderIds?: string[];
        } & (unknown | unknown);
        ReexportResult: {
            /** @description Acknowledged orders made pending again. */
            cleared: number;
            /**
             * Format: date-time
             * @description Where the candidate scan starts now (null = all history).
             */
            watermark: string | null;
            /**
             * Format: date-time
             * @description The instant `from` stands for (midnight in the time zone); null for `orderIds`.
             */
            from: string | null;
            /** @description Ids of `orderIds` that are not orders of the integration's company (ignored). */
            unknownOrderIds: string[];
        };
        ExclusionRequest: {
            /** @description Why the order is left out; shown in its status and the audit trail. */
            reason: string;
        };
        AuditEvent: {
            id: number;
            /**
             * Format: date-time
             * @description When the action's transaction began.
             */
            at: string;
            /** @description The `sub` of the token; for the integrations command, `<user>@<host>`. */
            sub: string;
            /** @description `location_admin`, `system_operator`, or `cli` (the integrations command). */
            role: string;
            /** @enum {unknown} */
            action: "create" | "update" | "enable" | "disable" | "rotate_credentials" | "archive" | "reexport" | "acknowledge" | "exclude" | "include";
            /**
             * @description By action: `create` `{ name, companyId, settings, enabled, login }`; `update` `{ name?, settings? }`, each
             *     `{ from, to }`; `enable`/`disable` `{ enabled: { from, to } }`; `rotate_credentials` `{ login?: { from, to },
             *     revokedSessions }` (never the password); `archive` `{ enabled: { from, to }, archivedAt, revokedSessions }`;
             *     `reexport` `{ from, orderIds, cleared, watermark }` (`from` the instant, or null); `acknowledge`
             *     `{ batchId, orderCount }`; `exclude` `{ orderId, number, reason, previousReason? }`; `include`
             *     `{ orderId, number, exclusion: { at, by, reason } }`.
             */
            changes: {
                [key: string]: unknown;
            };
        };
        AuditPage: {
            events: components["schemas"]["AuditEvent"][];
            /** @description Pass as `cursor` for the next older page; null on the last page. */
            nextCursor: string | null;
        };
    };
    responses: {
        /** @description The request is invalid (`BAD_REQUEST`); `details.problems` names each field and what is wrong. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "BAD_REQUEST",
                 *         "message": "Invalid request: body.name is required",
                 *         "details": {
                 *           "problems": [
                 *             {
                 *               "path": "body.name",
                 *               "message": "is required"
                 *             }
                 *           ]
                 *         }
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /**
         * @description The request is invalid (`BAD_REQUEST`, e.g. `companyId` cannot be changed) or its settings are
         *     (`INVALID_SETTINGS`, each problem with its JSON path in `details.problems`).
         */
        InvalidInput: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "INVALID_SETTINGS",
                 *         "message": "Invalid integration settings: paymentrules[0].gateway must be a string",
                 *         "details": {
                 *           "problems": [
                 *             {
                 *               "path": "paymentrules[0].gateway",
                 *               "message": "must be a string"
                 *             }
                 *           ]
                 *         }
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No token, or a token that is malformed, expired, not yet valid, wrongly signed or signed with another algorithm. */
        Unauthorized: {
            headers: {
                "WWW-Authenticate"?: string;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "UNAUTHORIZED",
                 *         "message": "The token has expired; get a new one"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description A valid token whose role may not manage integrations. */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "FORBIDDEN",
                 *         "message": "Role \"resident\" may not manage integrations; location_admin or system_operator may"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No such integration (or batch, or order) in the caller's scope. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "NOT_FOUND",
                 *         "message": "No integration 0b5e2c1a-7d3f-4e8a-9c61-2f4d6b8a1e30"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /**
         * @description `CONFLICT` (a duplicate name within the company, a login taken by another integration) or
         *     `INTEGRATION_ARCHIVED` (archived integrations are read-only).
         */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The body is larger than the service accepts (1 MiB, or `FILE_LIMIT_BYTES` when larger). */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The body is not `application/json`. */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Something failed inside the service; the details are in its log, never in the answer. */
        InternalError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "INTERNAL",
                 *         "message": "Internal error; the details are in the service log."
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /**
         * @description `ADMIN_API_NOT_CONFIGURED`: neither `ADMIN_JWT_SECRET` nor `ADMIN_JWT_PUBLIC_KEY` is set; the 1C exchange
         *     works regardless. Or `UNAVAILABLE`, with `Retry-After`: the service's database is unreachable; nothing was
         *     changed, and the service recovers by itself when the database returns (GET /ready says when).
         */
        AdminApiNotConfigured: {
            headers: {
                "Retry-After"?: string;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "ADMIN_API_NOT_CONFIGURED",
                 *         "message": "The admin API is not configured: set ADMIN_JWT_SECRET (HS256, at least 32 characters) or ADMIN_JWT_PUBLIC_KEY (RS256/ES256, PEM) and restart the service. The 1C exchange works without it."
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: {
        /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
        integrationId: string;
        batchId: string;
        /**
         * @description The order's id (UUID) or its number as the platform shows it (e.g. `A-123`), looked up among the orders
         *     of the integration's company. Orders of other companies answer 404.
         */
        orderIdOrNumber: string;
        /** @description `sale` for orders. `checkauth` succeeds for any type (1C tests the connection with `catalog`). */
        type: string;
        mode: "checkauth" | "init" | "query" | "success" | "file" | "import" | "info";
        /** @description Line 4 of the checkauth answer; when given it must name the same session as the cookie. */
        sessid: string;
        /** @description For `file` and `import`; the base name is used, `[A-Za-z0-9._-]` only. */
        filename: string;
        version: string;
        cmlVersion: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: {
        Exchange: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /**
             * One step of the 1C exchange, chosen by `mode`.
             * @description * `checkauth` (HTTP Basic): `success\n<cookie name>\n<cookie value>\nsessid=<token>\n`, or 401 with a Basic challenge.
             *     * `init`: exactly `zip=no\nfile_limit=<bytes>`.
             *     * `query`: the pending orders as one CommerceML document, 2.08 or 3.1 as the integration's `schema_version` says (recorded as a batch).
             *     * `success`: acknowledges the batch of this session's query; `success\n`.
             *     * `import`: imports the uploaded file (PROTOCOL.md §8): `progress\n<text>` while that runs (call again),
             *       `success\n` once every document is recorded, `failure\n<reason>` when the file is not CommerceML.
             *     * anything wrong: HTTP 200 with `failure\n<reason>`.
             */
            get: operations["exchangeGet"];
            put?: never;
            /** `mode=file`: one chunk of a file 1C uploads (raw bytes, usually without a Content-Type). */
            post: operations["exchangePost"];
            delete?: never;
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
    };
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Alive. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    getReady: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready to serve 1C. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description Not ready; `reason` and `checks` say why. */
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
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The Prometheus text exposition format. */
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
    listCompanies: {
        parameters: {
            query?: {
                locationId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The companies. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompanyList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["AdminApiNotConfigured"];
        };
    };
    listIntegrations: {
        parameters: {
            query?: {
                companyId?: string;
                /** @description Also list archived integrations (their journal stays readable). */
                includeArchived?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Oldest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IntegrationList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["AdminApiNotConfigured"];
        };
    };
    createIntegration: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["IntegrationCreate"];
            };
        };
        responses: {
            /** @description Created. `password` is shown this once; only its hash is kept. */
            201: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IntegrationCreated"];
                };
            };
            /**
             * @description Invalid request (`BAD_REQUEST`), invalid settings (`INVALID_SETTINGS`, each problem with its JSON path in
             *     `details.problems`, typographic quotes with a hint to use plain `"`), or a company that is not in the
             *     caller's scope (`UNKNOWN_COMPANY`).
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description The company already has an integration of that name (`CONFLICT`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["AdminApiNotConfigured"];
        };
    };
    getIntegration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The integration. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Integration"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["AdminApiNotConfigured"];
        };
    };
    archiveIntegration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The archived integration. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Integration"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["AdminApiNotConfigured"];
        };
    };
    updateIntegration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["IntegrationPatch"];
            };
        };
        responses: {
            /** @description The integration as changed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Integration"];
                };
            };
            400: components["responses"]["InvalidInput"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["AdminApiNotConfigured"];
        };
    };
    rotateCredentials: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["CredentialsRotate"];
            };
        };
        responses: {
            /** @description The new credentials. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Credentials"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["AdminApiNotConfigured"];
        };
    };
    listBatches: {
        parameters: {
            query?: {
                limit?: number;
                /** @description `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the journal. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["AdminApiNotConfigured"];
        };
    };
    getBatch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
                batchId: components["parameters"]["batchId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The batch. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchDetail"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["AdminApiNotConfigured"];
        };
    };
    getBatchDocument: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
                batchId: components["parameters"]["batchId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The bytes of the `query` answer; the charset is the integration's encoding at the time. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/xml": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /**
             * @description `DOCUMENT_PRUNED`: the batch is in the journal (its orders, fingerprints and sizes), but its stored document
             *     was pruned after `RETENTION_DOCUMENTS` (EXPORT-SEMANTICS.md rule 11); `details.documentPrunedAt` says when.
             */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DOCUMENT_PRUNED",
                     *         "message": "The document of batch 1234 was pruned on 2026-03-01T00:10:00.000Z (RETENTION_DOCUMENTS); the batch, its orders and fingerprints stay in the journal",
                     *         "details": {
                     *           "documentPrunedAt": "2026-03-01T00:10:00.000Z"
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            500: components["responses"]["InternalError"];
            503: components["responses"]["AdminApiNotConfigured"];
        };
    };
    acknowledgeBatch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
                batchId: components["parameters"]["batchId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description The batch, acknowledged. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Batch"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /**
             * @description `BATCH_NOT_ACKNOWLEDGEABLE`: not the latest batch, or acknowledged already; `details.latestBatchId` names
             *     the latest batch and `details.latestAcknowledged` says whether it is acknowledged. Or
             *     `INTEGRATION_ARCHIVED`.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "BATCH_NOT_ACKNOWLEDGEABLE",
                     *         "message": "Batch 41 is not the latest batch of the integration: only the latest, 42, can be acknowledged by hand, once checked in 1C",
                     *         "details": {
                     *           "latestBatchId": 42,
                     *           "latestAcknowledged": false
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["NotAcknowledgeableError"] | components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["AdminApiNotConfigured"];
        };
    };
    getOrderDeliveryStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
                /**
                 * @description The order's id (UUID) or its number as the platform shows it (e.g. `A-123`), looked up among the orders
                 *     of the integration's company. Orders of other companies answer 404.
                 */
                orderIdOrNumber: components["parameters"]["orderIdOrNumber"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The order's delivery status for this integration. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderDeliveryStatus"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /**
             * @description `AMBIGUOUS_ORDER_NUMBER`: numbers are unique per location, and the company has orders with this number in
             *     several locations; `details.orders` lists them (ask again by `orderId`).
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AmbiguousOrderError"];
                };
            };
            500: components["responses"]["InternalError"];
            503: components["responses"]["AdminApiNotConfigured"];
        };
    };
    excludeOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
                /**
                 * @description The order's id (UUID) or its number as the platform shows it (e.g. `A-123`), looked up among the orders
                 *     of the integration's company. Orders of other companies answer 404.
                 */
                orderIdOrNumber: components["parameters"]["orderIdOrNumber"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ExclusionRequest"];
            };
        };
        responses: {
            /** @description The order's delivery status, now excluded. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderDeliveryStatus"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /**
             * @description `AMBIGUOUS_ORDER_NUMBER`: the company has orders with this number in several locations; `details.orders`
             *     lists them (ask again by `orderId`). Or `INTEGRATION_ARCHIVED`: an archived integration cannot change.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AmbiguousOrderError"] | components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["AdminApiNotConfigured"];
        };
    };
    includeOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
                /**
                 * @description The order's id (UUID) or its number as the platform shows it (e.g. `A-123`), looked up among the orders
                 *     of the integration's company. Orders of other companies answer 404.
                 */
                orderIdOrNumber: components["parameters"]["orderIdOrNumber"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The order's delivery status, no longer excluded. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderDeliveryStatus"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /**
             * @description `AMBIGUOUS_ORDER_NUMBER`: the company has orders with this number in several locations; `details.orders`
             *     lists them (ask again by `orderId`). Or `INTEGRATION_ARCHIVED`: an archived integration cannot change.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AmbiguousOrderError"] | components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["AdminApiNotConfigured"];
        };
    };
    listAuditEvents: {
        parameters: {
            query?: {
                limit?: number;
                /** @description `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the audit trail. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "events": [
                     *         {
                     *           "id": 7,
                     *           "at": "2026-03-14T18:05:13.000Z",
                     *           "sub": "ivanova@example.ru",
                     *           "role": "location_admin",
                     *           "action": "exclude",
                     *           "changes": {
                     *             "orderId": "7d1e9b52-3c4a-4f0e-8b6d-1a2c3e4f5a6b",
                     *             "number": "A-123",
                     *             "reason": "Тестовый заказ"
                     *           }
                     *         },
                     *         {
                     *           "id": 6,
                     *           "at": "2026-03-14T17:40:02.000Z",
                     *           "sub": "ivanova@example.ru",
                     *           "role": "location_admin",
                     *           "action": "rotate_credentials",
                     *           "changes": {
                     *             "login": {
                     *               "from": "1c-ab12cd34ef",
                     *               "to": "romashka-1c"
                     *             },
                     *             "revokedSessions": 1
                     *           }
                     *         }
                     *       ],
                     *       "nextCursor": "6"
                     *     }
                     */
                    "application/json": components["schemas"]["AuditPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["AdminApiNotConfigured"];
        };
    };
    listUploads: {
        parameters: {
            query?: {
                limit?: number;
                /** @description `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of uploads. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "uploads": [
                     *         {
                     *           "id": "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                     *           "sessionId": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
                     *           "filename": "orders-5b0c2f8e-6d1a-4c53-9a0e-2f4b8d1c7e90_1.xml",
                     *           "receivedAt": "2026-03-14T18:05:13.000Z",
                     *           "byteCount": 12285,
                     *           "chunkCount": 1,
                     *           "sha256": "4b227777d4dd1fc61c6f884f48641d02b4d121d3fd328cb08b5531fcacdabf8a",
                     *           "state": "imported",
                     *           "importStartedAt": "2026-03-14T18:05:14.000Z",
                     *           "importFinishedAt": "2026-03-14T18:05:14.000Z",
                     *           "attempts": 1,
                     *           "outcome": {
                     *             "documents": 4,
                     *             "matched": 3,
                     *             "unmatched": 1,
                     *             "errors": 0
                     *           },
                     *           "error": null,
                     *           "problems": [
                     *             {
                     *               "documentIndex": 3,
                     *               "status": "unmatched",
                     *               "onecId": "b8e1f7a2-3c4d-11ef-9a1b-005056a1c099",
                     *               "onecNumber": "U-9999",
                     *               "reason": "No order of the integration's company has this Ид or Номер."
                     *             }
                     *           ],
                     *           "filePrunedAt": null
                     *         }
                     *       ],
                     *       "nextCursor": null
                     *     }
                     */
                    "application/json": components["schemas"]["UploadPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["AdminApiNotConfigured"];
        };
    };
    previewNextBatch: {
        parameters: {
            query?: {
                format?: "json" | "xml";
                /** @description How many of the batch's orders (oldest change first) the document holds. */
                documentOrders?: number;
            };
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The preview. */
            200: {
                headers: {
                    /** @description With `format=xml`, how many orders the document holds. */
                    "X-Document-Orders"?: number;
                    /** @description With `format=xml`, how many orders the next batch holds. */
                    "X-Batch-Orders"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Preview"];
                    "application/xml": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["AdminApiNotConfigured"];
        };
    };
    requestReexport: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The integration's id. An integration of another location answers 404, as one that does not exist. */
                id: components["parameters"]["integrationId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReexportRequest"];
            };
        };
        responses: {
            /** @description Done; the next `query` sends the orders. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReexportResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["AdminApiNotConfigured"];
        };
    };
    exchangeGet: {
        parameters: {
            query: {
                /** @description `sale` for orders. `checkauth` succeeds for any type (1C tests the connection with `catalog`). */
                type: components["parameters"]["type"];
                mode: components["parameters"]["mode"];
                /** @description Line 4 of the checkauth answer; when given it must name the same session as the cookie. */
                sessid?: components["parameters"]["sessid"];
                /** @description For `file` and `import`; the base name is used, `[A-Za-z0-9._-]` only. */
                filename?: components["parameters"]["filename"];
                version?: components["parameters"]["version"];
                cmlVersion?: components["parameters"]["cmlVersion"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A protocol answer (success, progress or failure) or, for `query`, the CommerceML document. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                    "application/xml": string;
                };
            };
            /** @description `checkauth` without valid Basic credentials; body `failure\n…`. */
            401: {
                headers: {
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
        };
    };
    exchangePost: {
        parameters: {
            query: {
                /** @description `sale` for orders. `checkauth` succeeds for any type (1C tests the connection with `catalog`). */
                type: components["parameters"]["type"];
                mode: components["parameters"]["mode"];
                /** @description Line 4 of the checkauth answer; when given it must name the same session as the cookie. */
                sessid?: components["parameters"]["sessid"];
                /** @description For `file` and `import`; the base name is used, `[A-Za-z0-9._-]` only. */
                filename?: components["parameters"]["filename"];
                version?: components["parameters"]["version"];
                cmlVersion?: components["parameters"]["cmlVersion"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/octet-stream": string;
            };
        };
        responses: {
            /** @description `success\n` once the chunk is stored, otherwise `failure\n<reason>` (e.g. over `file_limit`). */
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
}
