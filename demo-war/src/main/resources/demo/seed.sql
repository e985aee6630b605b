-- Demo data: four users of the development issuer and a few documents.
-- The portcullis_* tables come from Portcullis' shipped schema (dev/portcullis/attributes/schema.sql).
INSERT INTO portcullis_principal (issuer, subject, status, version) VALUES
  ('urn:portcullis:demo:dev-issuer', 'alice', 'ACTIVE', 1),
  ('urn:portcullis:demo:dev-issuer', 'bob',   'ACTIVE', 1),
  ('urn:portcullis:demo:dev-issuer', 'carol', 'ACTIVE', 1),
  ('urn:portcullis:demo:dev-issuer', 'dave',  'ACTIVE', 1);

INSERT INTO portcullis_principal_role (issuer, subject, role_name) VALUES
  ('urn:portcullis:demo:dev-issuer', 'alice', 'admin'),
  ('urn:portcullis:demo:dev-issuer', 'bob',   'admin'),
  ('urn:portcullis:demo:dev-issuer', 'carol', 'viewer'),
  ('urn:portcullis:demo:dev-issuer', 'dave',  'editor');

INSERT INTO portcullis_principal_attribute (issuer, subject, attr_name, attr_value, attr_type) VALUES
  ('urn:portcullis:demo:dev-issuer', 'alice', 'department', 'engineering', 'string'),
  ('urn:portcullis:demo:dev-issuer', 'carol', 'department', 'sales', 'string');

CREATE TABLE demo_document (
    id      VARCHAR(64)  NOT NULL PRIMARY KEY,
    owner   VARCHAR(255) NOT NULL,
    title   VARCHAR(255) NOT NULL,
    body    VARCHAR(4000) NOT NULL
);

INSERT INTO demo_document (id, owner, title, body) VALUES
  ('1', 'alice', 'Quarterly plan',   'Ship Portcullis.'),
  ('2', 'carol', 'Customer list',    'Acme, Globex, Initech.'),
  ('3', 'dave',  'Style guide',      'Use the Oxford comma.'),
  ('4', 'bob',   'Incident report',  'Nothing to see here.');
