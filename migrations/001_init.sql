-- Schemata schema registry: initial schema. Shared by Postgres and PGlite; applied in one transaction.

-- Per-context id sequence. max_id only ever grows (ids are never reused, even after hard deletes;
-- IMPORT-mode ids raise it).
CREATE TABLE contexts (
  context text COLLATE "C" PRIMARY KEY,
  max_id  integer NOT NULL DEFAULT 0
);

-- Schema content under an id. Immutable once written; removed when no version carries it any more.
CREATE TABLE schemas (
  context     text    COLLATE "C" NOT NULL,
  id          integer NOT NULL,
  guid        text    NOT NULL,
  schema_type text    NOT NULL,
  schema      text    NOT NULL,
  refs        jsonb   NOT NULL DEFAULT '[]'::jsonb,
  metadata    jsonb,
  rule_set    jsonb,
  hash        text    NOT NULL,
  PRIMARY KEY (context, id)
);
CREATE INDEX schemas_by_hash ON schemas (context, hash, id);
CREATE INDEX schemas_by_guid ON schemas (guid);

-- The subject-versions each schema's references resolved to (for referencedby and delete checks).
CREATE TABLE schema_references (
  context     text    COLLATE "C" NOT NULL,
  schema_id   integer NOT NULL,
  ref_subject text    COLLATE "C" NOT NULL,
  ref_version integer NOT NULL,
  PRIMARY KEY (context, schema_id, ref_subject, ref_version),
  FOREIGN KEY (context, schema_id) REFERENCES schemas (context, id) ON DELETE CASCADE
);
CREATE INDEX schema_references_by_target ON schema_references (ref_subject, ref_version);

-- Subject versions. subject is the qualified key (bare for the default context, ':.ctx:name' otherwise).
CREATE TABLE versions (
  subject   text    COLLATE "C" NOT NULL,
  version   integer NOT NULL,
  context   text    COLLATE "C" NOT NULL,
  schema_id integer NOT NULL,
  deleted   boolean NOT NULL DEFAULT false,
  ts        bigint  NOT NULL,
  PRIMARY KEY (subject, version),
  FOREIGN KEY (context, schema_id) REFERENCES schemas (context, id)
);
CREATE INDEX versions_by_schema ON versions (context, schema_id);
CREATE INDEX versions_by_context ON versions (context, subject);

-- Compatibility configuration and modes by scope: '' global, ':.ctx:' context, subject key, ':.__GLOBAL:'.
CREATE TABLE configs (
  scope  text  COLLATE "C" PRIMARY KEY,
  config jsonb NOT NULL
);
CREATE TABLE modes (
  scope text COLLATE "C" PRIMARY KEY,
  mode  text NOT NULL
);
