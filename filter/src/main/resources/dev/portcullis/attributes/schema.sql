-- Portcullis principal attribute store: the schema that JdbcAttributeSource's default queries read.
-- Portable between H2 (2.x) and PostgreSQL (12+); plain SQL, one statement per ';'.
--
-- Matching: the issuer is matched EXACTLY (the token's "iss", byte for byte, e.g. with or without
-- a trailing slash as the identity provider writes it). There is no wildcard issuer: a subject is
-- only unique per issuer. Deployments that want one row for every issuer configure their own
-- queries (see JdbcAttributeSource).
--
-- A subject without a row in portcullis_principal is UNKNOWN (refused with 403).

CREATE TABLE portcullis_principal (
    issuer      VARCHAR(512) NOT NULL,
    subject     VARCHAR(255) NOT NULL,
    -- ACTIVE or DISABLED; anything else is read as DISABLED
    status      VARCHAR(16)  NOT NULL DEFAULT 'ACTIVE',
    -- optional row version, reported in audit lines (e.g. bumped by the application on change)
    version     BIGINT,
    updated_at  TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT portcullis_principal_pk PRIMARY KEY (issuer, subject),
    CONSTRAINT portcullis_principal_status_ck CHECK (status IN ('ACTIVE', 'DISABLED'))
);

CREATE TABLE portcullis_principal_role (
    issuer      VARCHAR(512) NOT NULL,
    subject     VARCHAR(255) NOT NULL,
    role_name   VARCHAR(255) NOT NULL,
    CONSTRAINT portcullis_principal_role_pk PRIMARY KEY (issuer, subject, role_name),
    CONSTRAINT portcullis_principal_role_fk FOREIGN KEY (issuer, subject)
        REFERENCES portcullis_principal (issuer, subject) ON DELETE CASCADE
);

-- One row per attribute value. attr_type: string (default), integer, number, boolean.
-- Several rows with the same attr_name (told apart by ordinal) make a list, in ordinal order;
-- a type ending in [] (e.g. 'string[]') makes a list even of one value.
CREATE TABLE portcullis_principal_attribute (
    issuer      VARCHAR(512)  NOT NULL,
    subject     VARCHAR(255)  NOT NULL,
    attr_name   VARCHAR(255)  NOT NULL,
    ordinal     INTEGER       NOT NULL DEFAULT 0,
    attr_value  VARCHAR(4000) NOT NULL,
    attr_type   VARCHAR(16)   NOT NULL DEFAULT 'string',
    CONSTRAINT portcullis_principal_attribute_pk PRIMARY KEY (issuer, subject, attr_name, ordinal),
    CONSTRAINT portcullis_principal_attribute_fk FOREIGN KEY (issuer, subject)
        REFERENCES portcullis_principal (issuer, subject) ON DELETE CASCADE
);
